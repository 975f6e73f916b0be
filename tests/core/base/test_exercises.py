"""The graded exercises: the grader's checks, each exercise passing with a known-good setting and
failing with a known-bad one (the right check marked), and the certificate.

The MNIST exercises train on small IDX files the tests write (tests/core/digits.py), week 4 on
the faces the app draws."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.base import exercises, language
from core.computer_vision import dense_network
from core.computer_vision import exercise as week2
from core.convolutions import cnn
from core.convolutions import exercise as week3
from core.data import fashion_mnist, image_folders, mnist
from core.engine import training
from core.hello_world import exercise as week1
from core.real_world_images import exercise as week4
from core.real_world_images import network, photos
from tests.core.digits import draw_digits

EN = language.words("en")


def failed(grade: exercises.Grade) -> list[str]:
    return [check.name for check in grade.checks if not check.passed]


@pytest.mark.parametrize(
    ("rule", "stops"),
    [
        (exercises.CallbackRule("accuracy", ">=", 0.98), {0.98: True, 0.981: True, 0.979: False}),
        (exercises.CallbackRule("accuracy", ">", 0.98), {0.98: False, 0.981: True, 0.979: False}),
        (exercises.CallbackRule("loss", ">=", 0.98), {0.98: False, 0.99: False}),  # the logs hold accuracy
    ],
)
def test_a_callback_is_called_as_the_grader_calls_it(rule, stops):
    assert {value: rule.stops({"accuracy": value}) for value in stops} == stops


def test_the_trainers_stopping_rule_behaves_as_the_callback():
    for comparison in exercises.COMPARISONS:
        rule = exercises.CallbackRule("accuracy", comparison, 0.98)
        for value in (0.97, 0.98, 0.99):
            assert rule.stop_rule.reached(0.1, value) == rule.stops({"accuracy": value})
    assert exercises.CallbackRule("loss", ">=", 0.5).stop_rule is None  # never stops the trainer
    assert str(training.StopAtTarget("accuracy", 0.98, strict=True)) == "accuracy > 0.98"


def test_callback_checks_mark_each_value_and_hint_without_the_answer():
    checks = exercises.callback_checks(exercises.CallbackRule("accuracy", ">", 0.98), (0.98, 0.99), (0.5,))
    assert [(check.name, check.passed) for check in checks] == [
        ("callback stops at accuracy 0.98", False),
        ("callback stops at accuracy 0.99", True),
        ("callback keeps training at accuracy 0.5", True),
    ]
    assert "compare" in checks[0].hint and ">=" not in checks[0].hint


def test_an_attempt_that_ran_its_epochs_is_measured_against_its_own_epochs():
    """A 10-epoch attempt at week 4 (whose task sets 15) ran 10 of 10, not "10 of 15"."""
    ran_all = training.TrainingHistory(epochs_planned=10, loss=[0.5] * 10, accuracy=[0.9] * 10)
    check = exercises.stopped_early_check(ran_all, epochs=15)
    assert not check.passed and check.measured == "ran 10 of 10"
    stopped = training.TrainingHistory(epochs_planned=15, loss=[0.5] * 7, accuracy=[1.0] * 7, stopped_at_target=7)
    assert exercises.stopped_early_check(stopped, epochs=15).measured == "stopped after epoch 7"


def test_week_1_passes_with_the_course_settings_and_fails_in_dollars_or_with_adam():
    good = week1.grade_house_prices(week1.train(week1.HousePricesConfig()), words=EN)
    assert good.passed, failed(good)
    assert abs(float(good.measured["prediction for 7 bedrooms within ±0.25 of 4.0"]) - 4.0) <= 0.25
    dollars = week1.grade_house_prices(week1.train(week1.HousePricesConfig(scale_prices=False)), words=EN)
    assert failed(dollars) == [
        "prediction for 7 bedrooms within ±0.25 of 4.0",
        "prediction for 10 bedrooms within ±0.25 of 5.5",
    ]
    assert "units" in dollars.checks[-1].hint
    two_layers = week1.grade_house_prices(
        week1.train(week1.HousePricesConfig(hidden_units=8, optimizer="adam")), words=EN
    )
    assert {"one Dense layer with one unit", "optimizer SGD"} <= set(failed(two_layers))


@pytest.fixture(scope="module")
def digits() -> fashion_mnist.FashionMNIST:
    train_images, train_labels = draw_digits(3000, seed=0)
    test_images, test_labels = draw_digits(200, seed=1)
    return fashion_mnist.FashionMNIST(train_images, train_labels, test_images, test_labels, "test digits")


def train_job(build, config, data) -> training.TrainingHistory:
    setup = build(config, data)
    return setup.trainer.run(training.TrainingHistory(config.epochs))


def test_week_2_passes_when_the_callback_stops_at_98_and_fails_with_a_strict_comparison(digits):
    callback = exercises.CallbackRule("accuracy", ">=", 0.98)
    config = dense_network.DenseNetConfig(epochs=10, stop=callback.stop_rule)
    grade = week2.grade_stop_at_98(config, callback, train_job(dense_network.build_training, config, digits), words=EN)
    assert grade.passed, failed(grade)
    strict = exercises.CallbackRule("accuracy", ">", 0.98)
    config = dense_network.DenseNetConfig(epochs=5, stop=strict.stop_rule)
    grade = week2.grade_stop_at_98(config, strict, train_job(dense_network.build_training, config, digits), words=EN)
    assert failed(grade) == ["epochs set to 10", "callback stops at accuracy 0.98"]


def test_week_2_fails_when_the_callback_reads_the_loss_and_training_runs_to_the_end(digits):
    callback = exercises.CallbackRule("loss", ">=", 0.98)
    config = dense_network.DenseNetConfig(epochs=10, stop=callback.stop_rule, train_fraction=0.1)
    history = train_job(dense_network.build_training, config, digits)
    grade = week2.grade_stop_at_98(config, callback, history, words=EN)
    assert history.epochs_run == 10 and "callback ended training before epoch 10" in failed(grade)
    assert "callback stops at accuracy 0.98" in failed(grade)


def test_week_3_passes_with_max_pooling_and_fails_with_average_pooling(digits):
    callback = exercises.CallbackRule("accuracy", ">=", 0.995)
    config = cnn.CnnConfig(conv_blocks=1, filters=32, epochs=10, stop=callback.stop_rule, bfloat16=False)
    grade = week3.grade_convolutions(config, callback, train_job(cnn.build_training, config, digits))
    assert grade.passed, failed(grade)
    average = cnn.CnnConfig(
        conv_blocks=1, filters=16, pooling="average", epochs=10, stop=callback.stop_rule, bfloat16=False
    )
    history = training.TrainingHistory(10)  # the structure fails whatever training does
    grade = week3.grade_convolutions(average, callback, history)
    assert "at least one MaxPooling2D" in failed(grade) and "at least one Conv2D" not in failed(grade)
    assert "Average pooling is not it" in next(c.hint for c in grade.checks if c.name == "at least one MaxPooling2D")


@pytest.fixture(scope="module")
def stand_in() -> fashion_mnist.FashionMNIST:
    return mnist.load_stand_in_digits()


def test_on_the_stand_in_the_courses_dense_network_misses_98_and_a_wider_one_passes_as_the_page_says(stand_in):
    """What `week2.stand_in_note` tells the learner, in either language, at the exercise's seed: the grader is
    unchanged."""
    callback = exercises.CallbackRule("accuracy", ">=", week2.TARGET)
    course = dense_network.DenseNetConfig(epochs=10, stop=callback.stop_rule)
    history = train_job(dense_network.build_training, course, stand_in)
    grade = week2.grade_stop_at_98(course, callback, history, mnist.data_name(stand_in), words=EN)
    assert failed(grade) == ["callback ended training before epoch 10", "final training accuracy ≥ 0.98"]
    assert f"reaches {history.accuracy[-1]:.3f} after 10 epochs" in week2.stand_in_note(words=EN)
    assert f"10 에포크 뒤 {history.accuracy[-1]:.3f}에 그쳐" in week2.stand_in_note(words=language.words("ko"))
    wider = dense_network.DenseNetConfig(hidden_units=(512,), epochs=10, stop=callback.stop_rule)
    history = train_job(dense_network.build_training, wider, stand_in)
    grade = week2.grade_stop_at_98(wider, callback, history, mnist.data_name(stand_in), words=EN)
    assert grade.passed, failed(grade)
    assert f"512 hidden units reach 0.98 at epoch {history.epochs_run}" in week2.stand_in_note(words=EN)
    assert f"512개는 에포크 {history.epochs_run}에서 0.98에" in week2.stand_in_note(words=language.words("ko"))
    assert grade.data == mnist.STAND_IN_NAME


def test_on_the_stand_in_the_courses_cnn_misses_99_5_and_64_filters_at_0_01_pass_as_the_page_says(stand_in):
    callback = exercises.CallbackRule("accuracy", ">=", week3.TARGET)
    course = cnn.CnnConfig(conv_blocks=1, filters=32, epochs=10, stop=callback.stop_rule, bfloat16=False)
    history = train_job(cnn.build_training, course, stand_in)
    grade = week3.grade_convolutions(course, callback, history)
    assert failed(grade) == ["callback ended training before epoch 10", "final training accuracy ≥ 0.995"]
    assert f"reaches {history.accuracy[-1]:.3f} after 10 epochs" in week3.STAND_IN_NOTE
    faster = cnn.CnnConfig(
        conv_blocks=1, filters=64, learning_rate=0.01, epochs=10, stop=callback.stop_rule, bfloat16=False
    )
    history = train_job(cnn.build_training, faster, stand_in)
    grade = week3.grade_convolutions(faster, callback, history)
    assert grade.passed, failed(grade)
    assert f"reach 0.995 at epoch {history.epochs_run}." in week3.STAND_IN_NOTE


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> photos.DecodedPhotos:
    folder = week4.draw_faces(tmp_path_factory.mktemp("faces"))
    assert folder.class_names == ("happy", "sad") and folder.counts == {"happy": 40, "sad": 40}
    return photos.load_images(folder, 150)


@pytest.mark.parametrize(
    ("class_names", "taken"),
    [(("happy", "sad"), True), (("Happy", "SAD"), True), (("sad", "happy"), False), (("happy",), False)],
)
def test_week_4_takes_only_the_happy_and_sad_folders(class_names, taken):
    folder = image_folders.ImageFolder(Path("/faces"), class_names, (), ())
    if taken:
        week4.check_faces(folder)
    else:
        with pytest.raises(ValueError, match="two folders, happy/ and sad/"):
            week4.check_faces(folder)


def test_the_drawn_faces_differ_by_their_mouths(faces):
    happy, sad = faces.images[faces.labels == 0], faces.images[faces.labels == 1]
    assert len(happy) == len(sad) == 40 and faces.images.shape[1:] == (150, 150, 3)
    assert len({image.tobytes() for image in faces.images}) == 80  # no two alike


def test_week_4_passes_on_the_drawn_faces_and_fails_when_the_callback_cannot_fire(faces):
    callback = exercises.CallbackRule("accuracy", ">=", 0.999)
    config = week4.exercise_config(conv_blocks=1, learning_rate=0.001, epochs=15, callback=callback)
    history = train_job(network.build_training, config, network.Photos(faces.images, faces.labels, 2))
    grade = week4.grade_happy_or_sad(config, callback, history)
    assert grade.passed, failed(grade)
    assert history.epochs_run < 15 and history.accuracy[-1] >= 0.999
    above_one = exercises.CallbackRule("accuracy", ">", 1.0)
    config = week4.exercise_config(conv_blocks=1, learning_rate=0.001, epochs=15, callback=above_one)
    grade = week4.grade_happy_or_sad(config, above_one, training.TrainingHistory(15))
    assert "callback stops at accuracy 0.999" in failed(grade) and "callback stops at accuracy 1" in failed(grade)


def test_the_certificate_lists_each_passed_exercise_with_settings_measures_and_date():
    grade = week1.grade_house_prices(week1.train(week1.HousePricesConfig()), words=EN)
    record = json.loads(exercises.certificate_json([grade], learner="Ada"))
    [entry] = record["exercises"]
    assert record["learner"] == "Ada" and entry["week"] == 1 and entry["passed"] is True
    assert entry["settings"]["optimizer"] == "sgd" and entry["date"] == grade.graded_at
    assert entry["measured"] == grade.measured and "data" not in entry  # week 1 has one data set
    picture = Image.open(io.BytesIO(exercises.certificate_png([grade])))
    assert picture.format == "PNG" and picture.width == 900
    assert np.asarray(picture.convert("L")).min() < 50  # something is written on it


def test_the_certificate_says_which_digits_an_mnist_exercise_was_graded_on():
    callback = exercises.CallbackRule("accuracy", ">=", week2.TARGET)
    config = dense_network.DenseNetConfig(epochs=10, stop=callback.stop_rule)
    on_stand_in = week2.grade_stop_at_98(config, callback, training.TrainingHistory(10), mnist.STAND_IN_NAME, words=EN)
    on_mnist = week2.grade_stop_at_98(config, callback, training.TrainingHistory(10), "MNIST", words=EN)
    record = json.loads(exercises.certificate_json([on_stand_in]))
    assert record["exercises"][0]["data"] == mnist.STAND_IN_NAME
    assert json.loads(exercises.certificate_json([on_mnist]))["exercises"][0]["data"] == "MNIST"
    drawn, unsaid = (
        np.asarray(Image.open(io.BytesIO(exercises.certificate_png([grade], certificate_id="c0ffee"))).convert("L"))
        for grade in (on_stand_in, dataclasses.replace(on_stand_in, data=""))
    )
    # A line of its own, under the date and measures: the picture grows by it, and all above is the same.
    assert drawn.shape[0] > unsaid.shape[0]
    above = unsaid.shape[0] - exercises.MARGIN
    assert (drawn[:above] == unsaid[:above]).all() and (drawn[above:-12] < 128).any()
    said = [line.text for line in exercises.certificate_lines([on_stand_in], "", "c0ffee", EN)]
    assert said[-1] == f"trained on {mnist.STAND_IN_NAME}"


def certified(measured: str = "0.9995") -> exercises.Grade:
    """A passed week 2 grade, as the grader writes one, with a chosen measured value."""
    exercise = exercises.Exercise("week2_stop_at_98", 2, "Stop at 98%", "task", "criterion")
    checks = [
        exercises.Check("final training accuracy ≥ 0.999", True, measured),
        exercises.Check("input shape (28, 28)", True, "28 × 28"),
    ]
    return exercises.grade(exercise, checks, {"epochs": 10}, "MNIST")


def test_the_certificate_names_the_learner_or_says_no_name_was_given():
    grade = certified()
    assert json.loads(exercises.certificate_json([grade], learner=" Ada  Lovelace "))["learner"] == "Ada Lovelace"
    assert json.loads(exercises.certificate_json([grade], learner=""))["learner"] is None
    said = [line.text for line in exercises.certificate_lines([grade], "Ada Lovelace", "c0ffee", EN)]
    assert "Learner: Ada Lovelace" in said
    unnamed = [line.text for line in exercises.certificate_lines([grade], "  ", "c0ffee", EN)]
    assert "Learner: no name given" in unnamed
    korean = [line.text for line in exercises.certificate_lines([grade], "", "c0ffee", language.words("ko"))]
    assert "학습자: 이름을 입력하지 않음" in korean
    named, nameless = (exercises.certificate_png([grade], name, certificate_id="c0ffee") for name in ("Ada", ""))
    assert named != nameless


def test_one_certificate_id_in_the_json_and_on_the_picture():
    grade = certified()
    record = json.loads(exercises.certificate_json([grade], "Ada", certificate_id="0123abcd" * 4))
    assert record["certificate_id"] == "0123abcd" * 4 and list(record)[:3] == ["course", "certificate_id", "learner"]
    said = [line.text for line in exercises.certificate_lines([grade], "Ada", "0123abcd" * 4, EN)]
    assert f"Certificate id: {'0123abcd' * 4}" in said
    pictures = {exercises.certificate_png([grade], "Ada", certificate_id=made) for made in ("0" * 32, "f" * 32)}
    assert len(pictures) == 2  # the id is drawn
    made = {json.loads(exercises.certificate_json([grade]))["certificate_id"] for _ in range(2)}
    assert len(made) == 2 and all(len(made_id) == 32 and int(made_id, 16) >= 0 for made_id in made)


def test_every_measured_value_is_on_the_picture_whole_and_the_picture_grows_to_hold_it():
    long_value = " ".join(f"epoch {epoch}: 0.{epoch:04d}" for epoch in range(1, 25))
    assert len(long_value) >= 300
    lines = [line.text for line in exercises.certificate_lines([certified(long_value)], "Ada", "c0ffee", EN)]
    assert f"final training accuracy ≥ 0.999: {long_value}" in lines
    assert "input shape (28, 28): 28 × 28" in lines  # every check, not only the last two
    short, long = (
        Image.open(io.BytesIO(exercises.certificate_png([certified(value)], "Ada", certificate_id="c0ffee")))
        for value in ("0.9995", long_value)
    )
    assert short.width == long.width == exercises.PICTURE_WIDTH
    text_rows = np.flatnonzero((np.asarray(long.convert("L"))[12:-12, 12:-12] < 128).any(axis=1))
    assert long.height >= short.height + 3 * 23 and text_rows.max() < long.height - 40  # its lines, in the frame


@pytest.mark.parametrize("language_key", ["en", "ko"])
def test_every_character_of_a_certificate_is_drawn_by_a_font_that_has_it(language_key):
    from fontTools.ttLib import TTFont

    from core.base import fonts

    words = language.words(language_key)
    lines = exercises.certificate_lines([certified()], "Ada 김민준", exercises.new_certificate_id(), words)
    text = "".join(line.text for line in lines)
    assert {"≥", "×"} <= set(text) and (language_key == "en" or "채점" in text)
    chain = fonts.chain(16)
    for character in set(text) - {" "}:
        file = chain.file_for(character)
        assert file is not None, character
        with TTFont(file.path, fontNumber=0) as font:
            assert ord(character) in font.getBestCmap(), (character, file.path)
    picture = exercises.draw_certificate([certified()], "Ada 김민준", words=words)
    assert (picture.language, picture.undrawn) == (language_key, "")


def test_without_a_font_for_korean_the_picture_is_english_and_says_what_it_cannot_draw(monkeypatch, tmp_path):
    from core.base import fonts

    monkeypatch.setattr(fonts, "FONT_FILES", (str(tmp_path / "absent.ttf"),))
    picture = exercises.draw_certificate([certified()], "김민준", words=language.words("ko"))
    assert picture.language == "en" and set(picture.undrawn) == set("김민준·≥×")  # Pillow's own font: ASCII
    assert Image.open(io.BytesIO(picture.png)).format == "PNG"


def test_the_stand_in_digits_are_named_in_the_learners_language():
    from core.base import language

    assert exercises.data_name(mnist.STAND_IN_NAME, language.words("en")) == mnist.STAND_IN_NAME
    assert exercises.data_name(mnist.STAND_IN_NAME, language.words("ko")) != mnist.STAND_IN_NAME
    assert exercises.data_name("MNIST", language.words("ko")) == "MNIST"
