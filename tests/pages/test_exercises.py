"""The graded exercises in their lessons, as a learner uses them: open the panel, choose settings,
train and grade; a known-good setting passes, a known-bad one fails with the right check marked,
and a pass joins the learner's record. MNIST comes from small IDX files the tests write."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.base import course
from tests.core.digits import write_digit_idx
from tests.pages.test_pages import app_session, open_app, shown, wait_for_training


@pytest.fixture(scope="module", autouse=True)
def digits(tmp_path_factory):
    """MNIST_DIR points at test digits for every page run of this module (the data set is cached
    per server, as on a real one, so every test uses the same folder)."""
    folder = write_digit_idx(tmp_path_factory.mktemp("mnist"))
    patch = pytest.MonkeyPatch()
    patch.setenv("MNIST_DIR", str(folder))
    yield folder
    patch.undo()


def open_exercise(page: str, panel: str) -> AppTest:
    app = open_app(page)
    app.session_state[panel] = True  # the expander, drawn only when opened
    app.run()
    assert not app.exception, app.exception
    return app


def grade_table(app: AppTest) -> dict[str, tuple[bool, str]]:
    """The grade panel's lines: check name -> (passed, measured)."""
    rows = {}
    for item in app.markdown:
        for mark, passed in ((":green[:material/check_circle:] ", True), (":red[:material/cancel:] ", False)):
            if item.value.startswith(mark):
                name, measured = item.value.removeprefix(mark).split(" · measured: **", 1)
                rows[name] = (passed, measured.split("**", 1)[0])
    assert rows, "no grade shown"
    return rows


def failed_checks(app: AppTest) -> list[str]:
    return [name for name, (passed, _) in grade_table(app).items() if not passed]


def hints(app: AppTest) -> str:
    return " ".join(item.value for item in app.markdown if ":material/lightbulb:" in item.value)


def submit(app: AppTest, form: str) -> AppTest:
    app.button(key=f"FormSubmitter:{form}-Train and grade").click().run()
    assert not app.exception, app.exception
    return app


def test_week_1_house_prices_passes_then_fails_in_dollars():
    app = open_exercise("pages/hello_world.py", "hw_exercise")
    assert any("50k plus 50k per bedroom" in item.value for item in app.markdown)
    submit(app, "hw_exercise_settings")
    assert [item.value for item in app.success][0].startswith("Passed")
    assert failed_checks(app) == []
    assert "week1_house_prices" in app_session(app).record
    app.checkbox(key="hwx_scale").uncheck()
    submit(app, "hw_exercise_settings")
    assert failed_checks(app) == [
        "prediction for 7 bedrooms within ±0.25 of 4.0",
        "prediction for 10 bedrooms within ±0.25 of 5.5",
    ]
    assert "in what units are the prices" in hints(app)
    assert app_session(app).record["week1_house_prices"].passed  # a pass stays a pass
    assert "Your record: passed week 1 (House prices)" in " ".join(caption.value for caption in app.caption)


@pytest.mark.parametrize(
    ("page", "panel", "form", "bad", "bad_checks"),
    [
        (
            "pages/computer_vision.py",
            "cv_exercise",
            "cv_exercise_settings",
            {"cvx_callback_comparison": ">"},
            ["callback stops at accuracy 0.98"],
        ),
        (
            "pages/convolutions.py",
            "cnn_exercise",
            "cnn_exercise_settings",
            {"cnnx_pooling": "average"},
            ["at least one MaxPooling2D"],
        ),
    ],
    ids=["week2", "week3"],
)
def test_the_mnist_exercises_pass_with_good_settings_and_name_the_failed_check(page, panel, form, bad, bad_checks):
    app = open_exercise(page, panel)
    assert any("MNIST" in item.value for item in app.markdown)
    submit(app, form)
    wait_for_training(app, exercise_track(page))
    assert failed_checks(app) == [], grade_table(app)
    assert "Trained and graded on MNIST." in [caption.value for caption in app.caption]
    for key, value in bad.items():
        widget = app.selectbox(key=key) if "callback" in key else app.radio(key=key)
        widget.set_value(value)
    submit(app, form)
    wait_for_training(app, exercise_track(page))
    assert set(bad_checks) <= set(failed_checks(app)), grade_table(app)
    assert "Your record: passed week" in " ".join(caption.value for caption in app.caption)


def exercise_track(page: str) -> course.Track:
    """The graded exercise of the lesson on this page, trained apart from the lesson's own runs."""
    return next(lesson for lesson in course.LESSONS if lesson.page == page).exercise_track


def test_week_4_happy_or_sad_on_the_drawn_faces_passes_and_fails_with_too_few_epochs():
    app = open_exercise("pages/real_world_images.py", "rw_exercise")
    app.slider(key="rwx_blocks").set_value(1)
    submit(app, "rw_exercise_settings")
    wait_for_training(app, course.REAL_WORLD_IMAGES.exercise_track)
    assert failed_checks(app) == [], grade_table(app)
    app.slider(key="rwx_epochs").set_value(2)
    submit(app, "rw_exercise_settings")
    wait_for_training(app, course.REAL_WORLD_IMAGES.exercise_track)
    assert {"epochs set to 15", "callback ended training before epoch 15"} <= set(failed_checks(app))
    assert "week4_happy_or_sad" in app_session(app).record


@pytest.fixture
def no_mnist(monkeypatch, tmp_path):
    """No MNIST on this machine (no MNIST_DIR, an empty Keras cache) and no download unless the
    test allows one: the server's cached MNIST is cleared before and after."""
    import keras

    from ui import components

    monkeypatch.delenv("MNIST_DIR")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("MNIST downloaded unasked"))
    components.mnist_data.clear()
    yield
    components.mnist_data.clear()


@pytest.mark.parametrize(
    ("page", "panel", "form", "good"),
    [
        ("pages/computer_vision.py", "cv_exercise", "cv_exercise_settings", {"cvx_units": 512}),
        ("pages/convolutions.py", "cnn_exercise", "cnn_exercise_settings", {"cnnx_filters": 64, "cnnx_lr": 0.01}),
    ],
    ids=["week2", "week3"],
)
def test_without_mnist_the_exercise_trains_and_grades_on_the_stand_in_and_says_so(no_mnist, page, panel, form, good):
    from core.data import mnist

    app = open_exercise(page, panel)
    prefix = form.split("_")[0] + "x"
    assert app.radio(key=f"{prefix}_digits").value == "stand_in"  # offline, nothing is downloaded
    said = " ".join(item.value for item in app.info)
    assert "This is a stand-in, not MNIST" in said and "does not pass here" in said
    assert any("stand-in digits, not MNIST" in shown(caption.value) for caption in app.caption)
    assert [button.label for button in app.button if button.key.startswith(f"FormSubmitter:{form}")] == [
        "Train and grade"
    ]
    for key, value in good.items():
        app.select_slider(key=key).set_value(value)
    submit(app, form)
    wait_for_training(app, exercise_track(page))
    assert failed_checks(app) == [], grade_table(app)
    assert f"Trained and graded on {mnist.STAND_IN_NAME}." in [shown(caption.value) for caption in app.caption]
    grade = next(grade for grade in app_session(app).record.values() if grade.exercise.week > 1)
    assert grade.passed and grade.data == mnist.STAND_IN_NAME


def test_real_mnist_is_one_press_away_and_a_failed_download_lists_what_was_tried_in_plain_words(
    no_mnist, monkeypatch, tmp_path
):
    from tests.core.data.test_mnist import offline_keras_download

    app = open_exercise("pages/computer_vision.py", "cv_exercise")
    app.radio(key="cvx_digits").set_value("mnist").run()
    assert not app.exception, app.exception
    [waiting] = [shown(item.value) for item in app.info if "Real MNIST is not on this machine yet" in item.value]
    assert "\n\nWhat was tried:\n\n- MNIST_DIR: not set\n- Keras's cache" in waiting
    assert "not tried (MNIST is downloaded only when asked for)" in waiting
    assert not [button for button in app.button if button.key.startswith("FormSubmitter:cv_exercise")]
    offline_keras_download(monkeypatch, str(tmp_path / "download"))
    app.button(key="cvx_download").click().run()
    assert not app.exception, app.exception
    [failed] = [shown(item.value) for item in app.error]
    assert failed.startswith("**MNIST could not be downloaded.**")
    assert "- Keras's download: no internet connection (this computer could not find the download server)" in failed
    assert "Errno" not in failed and "URL fetch failure" not in failed and "stand-in digits" in failed
    assert app.subheader  # the lesson itself goes on


def test_week_4_on_the_courses_downloaded_archive(monkeypatch, tmp_path):
    """The course's happy-or-sad zip through the checked download (served here from a file URL
    of drawn faces): the exercise trains on it; an archive with other folders is refused."""
    import zipfile

    from core.real_world_images import course_download
    from core.real_world_images import exercise as week4

    faces = week4.draw_faces(tmp_path / "faces")
    archive = tmp_path / "happy-or-sad.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path, _ in faces.files:
            bundle.write(path, path.relative_to(faces.root).as_posix())
    monkeypatch.setattr(week4, "URL", archive.as_uri())
    monkeypatch.setattr(course_download, "CACHE_DIR", tmp_path / "cache")
    app = open_exercise("pages/real_world_images.py", "rw_exercise")
    app.radio(key="rwx_source").set_value(app.radio(key="rwx_source").options[1]).run()
    app.button(key="rwx_download").click().run()
    assert not app.exception, app.exception
    assert (tmp_path / "cache" / "happy-or-sad").is_dir()
    app.slider(key="rwx_blocks").set_value(1)
    submit(app, "rw_exercise_settings")
    wait_for_training(app, course.REAL_WORLD_IMAGES.exercise_track)
    assert failed_checks(app) == [], grade_table(app)

    other = tmp_path / "pets.zip"
    with zipfile.ZipFile(other, "w") as bundle:
        for path, label in faces.files:
            bundle.write(path, f"{('cats', 'dogs')[label]}/{path.name}")
    monkeypatch.setattr(week4, "URL", other.as_uri())
    app.run()
    assert any("happy/ and sad/" in error.value for error in app.error)
