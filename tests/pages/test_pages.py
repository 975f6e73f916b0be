"""Every page through Streamlit's AppTest: it renders without an exception, and changing a
control changes what the learner sees."""

from __future__ import annotations

import html
import json
import os
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.base import course, hosting, limits, settings
from core.base import runs as run_history
from tests.conftest import REPOSITORY
from ui import session

TIMEOUT_S = 180  # importing TensorFlow and the first compiled run take a while on two cores


def open_app(page: str | None = None) -> AppTest:
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def app_session(app: AppTest) -> session.Session:
    """The app's own values in the page's session (`ui.session`)."""
    return session.of(app.session_state)


def lesson_four(app: AppTest):
    """Lesson 4's own record in the page's session (`ui.real_world_images.lesson_record`), empty
    before the page keeps one (imported here: it loads TensorFlow, which the home page's tests do not)."""
    from ui.real_world_images import lesson_record

    kept = app_session(app).lessons.get(course.REAL_WORLD_IMAGES.key)
    return kept if kept is not None else lesson_record.RealWorldRecord()


def lesson_runs(app: AppTest, lesson: course.Lesson) -> list[run_history.RunRecord]:
    """The learner's runs of a lesson, as its run history keeps them."""
    return app_session(app).track(lesson.track).runs


def job_active(app: AppTest, track: course.Track) -> bool:
    return app_session(app).track(track).jobs.active is not None


def wait_for_training(app: AppTest, track: course.Track, timeout_s: float = 300) -> AppTest:
    """Training runs as a job outside the script; the page polls it. Rerun as its fragment would
    until the job of the track (a lesson's, or its exercise's) has ended and been recorded."""
    deadline = time.monotonic() + timeout_s
    while job_active(app, track):
        assert time.monotonic() < deadline, "the training job did not end in time"
        time.sleep(0.3)
        app.run()
        assert not app.exception, app.exception
    return app


def shown(markdown: str) -> str:
    """Markdown as the reader sees it, backslash escapes read (names are escaped to show as typed)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def shown_code(app: AppTest, file_name: str) -> str:
    """The script in "Show the code", which is drawn only once the learner opens it."""
    app.session_state[session.code_key(file_name)] = True
    app.run()
    assert not app.exception, app.exception
    return next(block.value for block in app.code if block.language == "python")


def open_results_tab(app: AppTest, lesson: course.Lesson, tab: str) -> AppTest:
    """Opens one tab of the results; only the open tab is drawn."""
    app.session_state[session.results_tabs_key(lesson)] = tab
    app.run()
    assert not app.exception, app.exception
    return app


def chart_titles(app: AppTest) -> list[str]:
    """The title of every plotly chart on the page, in order (charts without one give "")."""
    titles = []
    for chart in app.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"].get("title", {})
        titles.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return titles


def chart_layout(app: AppTest, title: str) -> dict:
    """The layout of the chart with this title, as the browser receives it."""
    charts = app.get("plotly_chart")
    return json.loads(charts[chart_titles(app).index(title)].proto.spec)["layout"]


def test_home_is_the_course_map():
    app = open_app()
    assert app.title[0].value == "TensorFlow first steps, by doing them"
    headings = [heading.value for heading in app.subheader]
    for lesson in course.LESSONS:
        assert f"Lesson {lesson.number} · {lesson.title}" in headings
    text = " ".join(block.value for block in app.markdown)
    assert all(lesson.question in text for lesson in course.LESSONS)


def test_hello_world_trains_the_course_run_on_arrival():
    app = open_app("pages/hello_world.py")
    prediction = float(metric(app, "Prediction for x = 7"))
    assert 3.98 < prediction < 4.02 and prediction != 4.0
    assert metric(app, "Learned w (true 0.5)").startswith("0.50")
    assert "close but not exact" in app.info[0].value
    assert len(app.get("plotly_chart")) == 3  # the runs' overlay waits for a second run
    history_tables = [table for table in app.dataframe if table.key is None]
    assert len(history_tables) == 1 and len(history_tables[0].value) == 1  # the run history, one run so far
    assert "model.fit(xs, ys, epochs=1000" in shown_code(app, "hello_world.py")


def test_hello_world_changing_a_slider_and_training_changes_the_answer():
    app = open_app("pages/hello_world.py")
    first = metric(app, "Prediction for x = 7")
    app.select_slider(key="hw_lr").set_value(0.1)
    app.selectbox(key="hw_optimizer").set_value("adam")
    app.slider(key="hw_epochs").set_value(300)
    app.button[0].click()  # the form's Train button
    app.run()
    assert not app.exception
    assert metric(app, "Prediction for x = 7") != first
    assert len(lesson_runs(app, course.HELLO_WORLD)) == 2
    assert "optimizer = keras.optimizers.Adam(learning_rate=0.1)" in shown_code(app, "hello_world.py")


def test_hello_world_a_new_rule_is_learned():
    app = open_app("pages/hello_world.py")
    app.slider(key="hw_slope").set_value(2.0)
    app.slider(key="hw_intercept").set_value(-1.0)
    app.select_slider(key="hw_lr").set_value(0.03)
    app.slider(key="hw_epochs").set_value(3000)
    app.button[0].click()
    app.run()
    assert float(metric(app, "Learned w (true 2)")) == pytest.approx(2.0, abs=0.05)
    assert float(metric(app, "Prediction for x = 7")) == pytest.approx(13.0, abs=0.3)


def test_hello_world_exploding_loss_is_a_lesson_not_a_crash():
    app = open_app("pages/hello_world.py")
    app.select_slider(key="hw_lr").set_value(1.0)
    app.button[0].click()
    app.run()
    assert not app.exception
    assert "The loss exploded" in app.error[0].value and "smaller" in app.error[0].value
    assert lesson_runs(app, course.HELLO_WORLD)[-1].outcome == "diverged"


def test_a_tampered_link_gets_a_visible_note_that_counts_what_was_not_used_and_what_was_rounded():
    """The walk's link: 13 settings the page could not use, of which the note named 8 in a small
    caption, and a fraction of epochs called "not used" although the page trained that many."""
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    sent = {"hw_epochs": "2.5", "hw_points": "999", "hw_seed": "3"} | {f"extra{n:02d}": "1" for n in range(12)}
    for name, value in sent.items():
        app.query_params[name] = value
    app.run()
    app.switch_page("pages/hello_world.py").run()
    assert not app.exception, app.exception
    [note] = [shown(warning.value) for warning in app.warning]
    assert note.startswith("13 settings in the link were not used")
    assert "extra00, extra01" in note and "and 3 more." in note
    assert "hw_epochs=2.5 was used as 2 (a whole number)." in note
    assert next(item for item in app.metric if item.label == "Final loss").proto.delta == "2 epochs"
    # The copied link leaves out what is still in the address but no widget took (the extras);
    # Streamlit itself took hw_points=999 out of the address.
    [link] = [block.proto.body for block in app.get("html") if "experiment-link" in block.proto.body]
    dropped = json.loads(html.unescape(re.search(r'data-dropped="([^"]*)"', link).group(1)))
    assert dropped == [f"extra{n:02d}" for n in range(12)]
    app.run()  # the note is said once per visit
    assert not app.warning


def test_a_hostile_parameter_name_stays_text_in_the_note_and_the_link_box():
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    hostile = '"><img src=x onerror=alert(1)>'
    app.query_params[hostile] = "1"
    app.run()
    app.switch_page("pages/hello_world.py").run()
    assert not app.exception, app.exception
    [note] = [shown(warning.value) for warning in app.warning]
    assert note.endswith(f"{hostile}.")  # escaped for Markdown, read back as typed
    [link] = [block.proto.body for block in app.get("html") if "experiment-link" in block.proto.body]
    assert "<img" not in link and "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in link


def test_hello_world_log_scale_toggle_changes_the_loss_chart():
    app = open_app("pages/hello_world.py")
    loss_chart = "Loss (mean squared error) per epoch"
    assert chart_layout(app, loss_chart)["yaxis"]["type"] == "log"
    app.toggle(key="hw_log").set_value(False)
    app.run()
    assert not app.exception
    assert chart_layout(app, loss_chart)["yaxis"].get("type", "linear") == "linear"
    assert chart_layout(app, loss_chart)["yaxis"]["title"]["text"] == "loss"
    assert len(lesson_runs(app, course.HELLO_WORLD)) == 1  # toggling a view does not retrain


def train_fashion(app: AppTest, percent: int = 5, epochs: int = 1) -> AppTest:
    app.slider(key="cv_percent").set_value(percent)
    app.slider(key="cv_epochs").set_value(epochs)
    app.button(key="FormSubmitter:cv_settings-Train").click().run()
    assert not app.exception, app.exception
    return wait_for_training(app, course.COMPUTER_VISION.track)


def test_a_shared_servers_time_limit_ends_a_long_training_and_keeps_what_it_trained(monkeypatch):
    # AppTest is a shared server (no loopback address). 5 s: an epoch of all 60,000 images takes about
    # 0.5 s alone and 30 about 12 s; at 2 s a busy machine (2026-12-07) ended it before its first epoch.
    monkeypatch.setenv(limits.TIME_LIMIT_VARIABLE, "5")
    app = train_fashion(open_app("pages/computer_vision.py"), percent=100, epochs=30)
    [record] = lesson_runs(app, course.COMPUTER_VISION)
    assert record.outcome == "time limit" and 0 < len(record.loss) < 30
    assert any("limit of 5 s for one training" in warning.value for warning in app.warning)
    assert metric(app, "Test accuracy")  # the results of what was trained


def test_computer_vision_shows_the_data_before_training():
    app = open_app("pages/computer_vision.py")
    assert len(app.get("image")) == 10  # the class gallery, one strip per class
    assert "Debian package" in app.caption[0].value or "FASHION_MNIST_DIR" in app.caption[0].value
    assert "press **Train**" in app.info[0].value


def test_computer_vision_trains_and_evaluates():
    app = train_fashion(open_app("pages/computer_vision.py"), percent=5, epochs=2)
    accuracy = float(metric(app, "Test accuracy").rstrip("%")) / 100
    assert 0.6 < accuracy < 1.0
    assert metric(app, "Epochs run") == "2 of 2"
    runs = lesson_runs(app, course.COMPUTER_VISION)
    assert len(runs) == 1 and runs[0].outcome == "finished" and len(runs[0].accuracy) == 2
    script = shown_code(app, "fashion_mnist_dense.py")
    assert "keras.datasets.fashion_mnist.load_data()" in script and "epochs=2" in script
    # One run: its curves and the open tab's charts; the other tabs, the pixel histogram and the
    # runs' overlays are drawn only when opened or when there is more than one run.
    assert chart_titles(app) == [
        "Training, epoch by epoch",
        "Confusion matrix on held-out images",
        "Accuracy per class",
    ]
    assert "Train again with other settings" in " ".join(caption.value for caption in app.caption)
    # "Draw it yourself": an empty canvas gets a plain message, not a guess (the browser test draws).
    assert "Draw it yourself" in [header.value for header in app.subheader]
    assert any("Draw something larger" in info.value for info in app.info)
    open_results_tab(app, course.COMPUTER_VISION, "Mistakes")
    assert chart_titles(app) == ["Training, epoch by epoch"]
    *_, mistakes = app.get("image")  # after the class gallery (10 strips)
    assert len(app.get("image")) == 11 and len(mistakes.proto.imgs) == 24
    assert any("images are wrong" in caption.value for caption in app.caption)
    open_results_tab(app, course.COMPUTER_VISION, "Probe a test image")
    assert chart_titles(app)[-1] == "The network's probabilities for this image (green: the true class)"
    open_results_tab(app, course.COMPUTER_VISION, "Map of the images")  # before and after training, side by side
    map_titles = [annotation["text"] for annotation in chart_layout(app, "")["annotations"]]
    assert map_titles == ["Before training: the starting weights", "After training"]
    assert any("Each point is one of 2,000 held-out images" in caption.value for caption in app.caption)
    open_results_tab(app, course.COMPUTER_VISION, "Weights and gradients")
    assert chart_titles(app)[-1].startswith("Each layer's weights and gradients, epoch by epoch")
    histograms = json.loads(app.get("plotly_chart")[-1].proto.spec)
    assert len(histograms["frames"]) == 3 and len(histograms["layout"]["sliders"][0]["steps"]) == 3  # start, 1, 2
    assert any("ReLU units die" in caption.value for caption in app.caption)
    app.session_state["cv_why_scale"] = True
    app.run()
    assert chart_titles(app)[0] == ""  # the pixel histograms (two subplots, no title)
    first = accuracy
    app.selectbox(key="cv_optimizer").set_value("sgd")
    train_fashion(app, percent=5, epochs=2)
    assert float(metric(app, "Test accuracy").rstrip("%")) / 100 != first
    assert chart_titles(app)[-2:] == [
        "Loss per epoch, all your runs",
        "Training accuracy per epoch, all your runs",
    ]
    assert len(lesson_runs(app, course.COMPUTER_VISION)) == 2


def test_computer_vision_callback_stops_at_the_target():
    app = open_app("pages/computer_vision.py")
    app.checkbox(key="cv_stop").check()
    app.number_input(key="cv_stop_target").set_value(0.6)
    train_fashion(app, percent=5, epochs=10)
    shown = [(item.label, item.value) for item in app.metric] + [
        block.value for block in [*app.error, *app.warning, *app.info]
    ]
    assert app.success and "cancelling training" in app.success[0].value, shown
    run = lesson_runs(app, course.COMPUTER_VISION)[-1]
    assert run.outcome == "stopped at target" and len(run.accuracy) < 10


def test_computer_vision_explains_missing_data(tmp_path, monkeypatch):
    import streamlit as st

    from core.data import fashion_mnist

    broken = tmp_path / "fashion"
    broken.mkdir()
    for name in fashion_mnist.FILE_NAMES.values():
        (broken / name).write_bytes(b"\x00\x00")
    monkeypatch.setenv("FASHION_MNIST_DIR", str(broken))
    st.cache_resource.clear()
    try:
        app = open_app("pages/computer_vision.py")
        assert "truncated" in app.error[0].value
    finally:
        st.cache_resource.clear()


def test_convolutions_playground_filters_the_offline_photo():
    app = open_app("pages/convolutions.py")
    assert len(app.get("image")) == 3  # photo, filtered, pooled
    text = " ".join(block.value for block in app.markdown)
    assert "512×512 → 510×510" in text and "255×255" in text
    assert "sums to 0" in text  # the course's edge filter
    app.selectbox(key="cp_preset").set_value("blur").run()
    assert not app.exception
    blurred = " ".join(block.value for block in app.markdown)
    assert "blur" in blurred and blurred != text


def test_convolutions_names_the_sample_as_the_photo_it_is_and_the_real_upload_limit():
    """The sample (scikit-image's `camera`) sat as "Camera photo" beside the "Use the camera"
    toggle; the uploader said "150MB per file • image/jpeg, ..., JPG" for photos limited to 10 MB."""
    app = open_app("pages/convolutions.py")
    source = app.radio(key="cp_src")
    assert source.options == ["Photographer (scikit-image's sample photo)", "My own photo"]
    assert not any("camera" in option.lower() for option in source.options)
    source.set_value("My own photo").run()
    [uploader] = app.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 10  # Streamlit's line under it: "10MB per file"
    assert list(uploader.proto.type) == []  # no "image/jpeg, image/png, ..., JPG, PNG" after it
    assert uploader.proto.label == "A photo (PNG, JPEG, WebP, GIF or BMP)"  # the types, once, in words
    assert app.toggle(key="cp_camera/on").label == "Use the camera"


def test_convolutions_in_korean_translates_what_is_shown_and_keeps_keys_and_values():
    """`?lang=ko`: labels, options and sentences are Korean; the values the code compares, the keys
    tests and links use, and the form's button key stay as they are in English."""
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    app.query_params["lang"] = "ko"
    app.run()
    app.switch_page("pages/convolutions.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value.startswith("레슨 3")
    source = app.radio(key="cp_src")
    assert source.label == "사진" and source.value == "Photographer (scikit-image's sample photo)"
    assert source.options == ["사진가(scikit-image의 예제 사진)", "내 사진"]
    preset = app.selectbox(key="cp_preset")
    assert preset.value == "course edges" and "세로 Sobel" in preset.options
    text = " ".join(block.value for block in app.markdown)
    assert "3×3 필터 적용 후 510×510" in text and "합이 0입니다" in text
    pooling = app.radio(key="cnn_pool")
    assert pooling.options == ["최대", "평균"] and pooling.value == "max"
    assert [button.label for button in app.button if button.key == "FormSubmitter:cnn_settings-Train"] == ["훈련"]
    summaries = [table.value for table in app.dataframe if "파라미터 수" in table.value.columns]
    assert summaries[0]["파라미터 수"].iloc[-1] == 243_786 and summaries[0]["층"].iloc[-1] == "합계"
    preset.set_value("blur").run()
    assert not app.exception, app.exception
    assert "흐림 효과" in " ".join(block.value for block in app.markdown)
    app.radio(key="cp_src").set_value("My own photo").run()
    assert app.get("file_uploader")[0].proto.label == "사진(PNG, JPEG, WebP, GIF 또는 BMP)"


@pytest.mark.parametrize(
    "page, form, hint",
    [
        ("pages/computer_vision.py", "cv_settings", "press **Train**"),
        ("pages/convolutions.py", "cnn_settings", "Press **Train**"),
        ("pages/real_world_images.py", "rw_settings", "Press **Train**"),
    ],
)
def test_the_train_hint_is_gone_while_a_training_waits_or_runs(monkeypatch, page, form, hint):
    """ "Press Train..." stayed under the Stop button while the first run trained. One slot, taken by
    another learner's job: the page's job waits in the queue, and the page shows that instead."""
    from core.base import jobs
    from tests.pages import test_components as tiny
    from ui import training_jobs

    runner = jobs.LocalJobRunner(slots=1, abandon_after_s=600)
    monkeypatch.setattr(training_jobs, "job_runner", lambda: runner)
    blocker = runner.submit(
        "another learner",
        jobs.TrainingJob("x", tiny.TinySettings(100_000), tiny.tiny_build, tiny.tiny_model, tiny.tiny_data()),
    )  # 100,000 epochs: it holds the slot until cancelled
    app = open_app(page)
    if page.endswith("real_world_images.py"):
        app.radio(key="rw_source").set_value("Synthetic sample").run()
    assert any(hint in info.value for info in app.info)  # nothing trained, nothing waiting
    app.button(key=f"FormSubmitter:{form}-Train").click().run()
    assert not app.exception, app.exception
    shown = [info.value for info in app.info]
    assert any("number 1 in the queue" in value for value in shown), shown
    assert not any(hint in value for value in shown), shown
    for status in runner.jobs_of(app_session(app).learner):
        runner.cancel(status.job_id)
    runner.cancel(blocker)


def earlier_run(lesson: course.Lesson, data_set: str, accuracy: float) -> run_history.RunRecord:
    """A run this learner trained before, in another lesson or exercise, as its run history keeps it."""
    return run_history.RunRecord(
        lesson=lesson.key,
        number=1,
        settings={},
        loss=(0.5,),
        seconds=2.0,
        results={"test accuracy": accuracy, "parameters": 101_770},
        data_set=data_set,
    )


def test_convolutions_summary_tables_and_training_views():
    app = open_app("pages/convolutions.py")
    summaries = [table.value for table in app.dataframe if "parameters" in table.value.columns]
    assert summaries[0]["parameters"].iloc[-1] == 243_786 and summaries[1]["parameters"].iloc[-1] == 101_770
    # Earlier runs: a dense network on Fashion-MNIST (Lesson 2), week 2's exercise on MNIST, and Lesson 4's photos.
    kept = app_session(app)
    kept.track(course.COMPUTER_VISION.track).runs = [earlier_run(course.COMPUTER_VISION, "Fashion-MNIST", 0.81)]
    kept.track(course.COMPUTER_VISION.exercise_track).runs = [earlier_run(course.COMPUTER_VISION, "MNIST", 0.98)]
    kept.track(course.REAL_WORLD_IMAGES.track).runs = [earlier_run(course.REAL_WORLD_IMAGES, "", 0.9)]
    app.slider(key="cnn_percent").set_value(3)
    app.slider(key="cnn_epochs").set_value(1)
    app.button(key="FormSubmitter:cnn_settings-Train").click().run()
    assert not app.exception, app.exception
    wait_for_training(app, course.CONVOLUTIONS.track)
    assert float(metric(app, "Test accuracy").rstrip("%")) > 50
    [compared] = [table.value for table in app.dataframe if "network" in table.value.columns]
    assert list(compared["network"]) == ["dense", "CNN"]  # every Fashion-MNIST run, and nothing else
    assert compared["test accuracy"].iloc[0] == 0.81
    titles = chart_titles(app)
    assert len(titles) == 7, titles  # the probe tab and the runs' overlay are drawn when there is reason to
    assert titles[:3] == [
        "Training, epoch by epoch",
        "Confusion matrix on held-out images",
        "Accuracy per class",
    ]
    assert titles[3].startswith("Filter 1: what each layer outputs") and titles[4].startswith("All 64 filters of")
    assert titles[5].startswith("The first layer's learned filters")
    assert titles[6:] == ["Dense network vs CNN: test accuracy and training time of your runs"]
    app.slider(key="cnn_filter").set_value(5).run()
    assert not app.exception
    app.slider(key="cnn_blocks").set_value(1)
    app.button(key="FormSubmitter:cnn_settings-Train").click().run()
    wait_for_training(app, course.CONVOLUTIONS.track)
    one_block = [table.value for table in app.dataframe if "parameters" in table.value.columns]
    assert one_block[0]["parameters"].iloc[-1] != 243_786 and len(one_block[0]) == 6
    assert chart_titles(app)[-1] == "Loss per epoch, all your runs"
    assert "Conv2D(64, (3, 3)" in shown_code(app, "fashion_mnist_cnn.py")


def png_bytes(size=(200, 160), colour=(200, 120, 40)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def synthetic_lesson_four() -> AppTest:
    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Synthetic sample").run()
    assert not app.exception
    return app


def test_real_world_refuses_a_network_too_big_for_the_server_before_building_it():
    app = synthetic_lesson_four()
    assert "This network: 229,537 parameters" in " ".join(caption.value for caption in app.caption)
    app.radio(key="rw_size").set_value(300)
    app.slider(key="rw_blocks").set_value(1)
    app.button(key="FormSubmitter:rw_settings-Train").click().run()
    assert not app.exception, app.exception
    [refusal] = [error.value for error in app.error]
    assert "181,872,065 parameters" in refusal and "More convolution blocks" in refusal
    assert not job_active(app, course.REAL_WORLD_IMAGES.track)  # nothing was queued or built


def test_real_world_trains_on_the_synthetic_sample_and_classifies_uploads(monkeypatch):
    from core.real_world_images import exports

    written = []
    monkeypatch.setattr(exports, "model_file", lambda model: written.append(model) or b"")
    app = synthetic_lesson_four()
    assert [item.label for item in app.metric] == ["circles", "squares"]
    app.slider(key="rw_epochs").set_value(2)
    app.slider(key="rw_blocks").set_value(3)
    app.button(key="FormSubmitter:rw_settings-Train").click().run()
    assert not app.exception, app.exception
    wait_for_training(app, course.REAL_WORLD_IMAGES.track)
    assert metric(app, "Epochs run") == "2 of 2"
    assert lesson_runs(app, course.REAL_WORLD_IMAGES)[-1].outcome == "finished"
    assert "image_dataset_from_directory" in shown_code(app, "real_world.py")
    # The .keras file is written only when the button is pressed, and never kept in the session.
    assert written == [] and "rw_model_file" not in app.session_state

    app.file_uploader(key="rw_photos").set_value(
        [("orange.png", png_bytes(), "image/png"), ("broken.jpg", b"\xff\xd8 not really", "image/jpeg")]
    ).run()
    assert not app.exception, app.exception
    titles = chart_titles(app)
    assert len(titles) == 5, titles  # results (3: one tab is open), the upload's probabilities and feature maps
    assert titles[3] == "What the network says (green: its answer)" and titles[4].startswith("Filter 0:")
    captions = " ".join(str(image.proto) for image in app.get("image"))
    assert "where it looked (Grad-CAM)" in captions and "orange\\\\.png" in captions  # escaped, shown as typed
    assert any("broken.jpg" in shown(error.value) and "truncated" in error.value for error in app.error)
    app.session_state[session.photos_map_key(course.REAL_WORLD_IMAGES)] = True  # "Your photos on the map"
    app.run()
    assert not app.exception, app.exception
    traces = [trace for chart in app.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]]
    stars = [trace for trace in traces if trace.get("name") == "your own images"]
    assert len(stars) == 1 and stars[0]["marker"]["symbol"] == "star" and len(stars[0]["text"]) == 1, stars
    assert stars[0]["text"][0].startswith("orange.png<br>the network says ")  # the broken file is no star
    open_results_tab(app, course.REAL_WORLD_IMAGES, "Weights and gradients")
    histograms = chart_layout(app, next(title for title in chart_titles(app) if title.startswith("Each layer's")))
    rows = [note["text"] for note in histograms["annotations"] if note["text"].startswith(("Conv2D", "Dense"))]
    assert [row.split(" ·")[0] for row in rows] == ["Conv2D 1", "Conv2D 2", "Conv2D 3", "Dense 4", "Dense 5"]


def test_real_world_takes_a_zip_of_broken_and_unusual_photos_without_a_traceback(tmp_path):
    import io
    import zipfile

    from tests.core.real_world_images.test_photos import hostile_class_folder

    hostile_class_folder(tmp_path / "photos")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in sorted((tmp_path / "photos").rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(tmp_path).as_posix())
    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Upload a zip of class folders").run()
    app.file_uploader(key="rw_zip").set_value(("photos.zip", buffer.getvalue(), "application/zip")).run()
    assert not app.exception, app.exception
    captions = " ".join(shown(caption.value) for caption in app.caption)
    assert "4 files that are not usable photos" in captions  # named by the scan, before any decoding
    assert "Left out: odd/truncated.jpg" in captions  # found out when decoded
    assert [metric.label for metric in app.metric] == ["good", "odd"]


def zip_of_classes(classes: tuple[str, ...]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name in classes:
            for number in range(2):
                bundle.writestr(f"{name}/{number}.png", png_bytes())
    return buffer.getvalue()


def upload_zip(app: AppTest, data: bytes, name: str = "classes.zip") -> Path:
    """Uploads a zip of class folders in one session; returns the folder it was unpacked into."""
    app.radio(key="rw_source").set_value("Upload a zip of class folders").run()
    app.file_uploader(key="rw_zip").set_value((name, data, "application/zip")).run()
    assert not app.exception, app.exception
    return lesson_four(app).unpacked.folder.root


def test_two_sessions_unpack_into_private_folders_deleted_when_each_session_ends(monkeypatch):
    from ui import training_jobs

    alice, bob = open_app("pages/real_world_images.py"), open_app("pages/real_world_images.py")
    app_session(alice).learner, app_session(bob).learner = "alice", "bob"  # AppTest gives one id to all
    alice_root = upload_zip(alice, zip_of_classes(("alice-marker-a", "alice-marker-b")))
    bob_root = upload_zip(bob, zip_of_classes(("bob-marker-a", "bob-marker-b")))
    space = training_jobs.session_folders()
    alice_id, bob_id = app_session(alice).learner, app_session(bob).learner
    assert space.folder_of(alice_id) in alice_root.parents and space.folder_of(bob_id) in bob_root.parents
    assert not set(alice_root.parents) & {space.folder_of(bob_id)}
    assert [metric.label for metric in alice.metric] == ["alice\\-marker\\-a", "alice\\-marker\\-b"]
    assert not any("bob" in path.name for path in space.folder_of(alice_id).rglob("*"))

    first_upload = alice_root
    alice_root = upload_zip(alice, zip_of_classes(("alice-marker-c", "alice-marker-d")), "second.zip")
    assert not first_upload.exists() and alice_root.exists()  # a new upload replaces the old one

    monkeypatch.setattr(training_jobs, "tab_open", lambda learner: learner != alice_id)  # alice's tab closes
    space.sweep()
    assert not alice_root.exists() and space.folder_of(alice_id) is None
    assert bob_root.exists() and sorted(path.name for path in bob_root.iterdir()) == ["bob-marker-a", "bob-marker-b"]


def test_real_world_refuses_a_zip_with_path_traversal():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("../escape.png", png_bytes())
        bundle.writestr("horses/a.png", png_bytes())
    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Upload a zip of class folders").run()
    app.file_uploader(key="rw_zip").set_value(("classes.zip", buffer.getvalue(), "application/zip")).run()
    assert not app.exception, app.exception
    assert ".." in app.error[0].value or "outside" in app.error[0].value


def tiny_photos_zip(classes: int, per_class: int) -> bytes:
    """A zip of class folders of 8×8 PNGs, file entries only (as the findings' zips were made):
    thousands of photos, or of classes, in well under a megabyte."""
    import io
    import zipfile

    photo = png_bytes(size=(8, 8))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for label in range(classes):
            for number in range(per_class):
                bundle.writestr(f"class{label:04d}/{number:04d}.png", photo)
    return buffer.getvalue()


def sizes_decoded(monkeypatch) -> list[int]:
    """The sizes Lesson 4 decodes a folder's photos at, from now on (the page's one way to decode)."""
    from core.real_world_images import photos

    sizes: list[int] = []
    load_images = photos.load_images
    monkeypatch.setattr(photos, "load_images", lambda folder, size: sizes.append(size) or load_images(folder, size))
    return sizes


def peak_since_reset_mb() -> float:
    """How far this process's resident memory rose above where it was at the last reset."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return (int(status["VmHWM"].split()[0]) - int(status["VmRSS"].split()[0])) / 1024


def test_thousands_of_tiny_photos_are_refused_before_a_single_one_is_decoded(monkeypatch):
    """834 KB of upload (4,990 PNGs of 8×8) decoded at 300×300 took the server from 1.8 to 9.7 GB."""
    data = tiny_photos_zip(2, 2_495)
    assert len(data) < 1_000_000
    app = synthetic_lesson_four()
    app.radio(key="rw_size").set_value(300)
    app.button(key="FormSubmitter:rw_settings-Train").click().run()  # 300×300 chosen before the upload
    decoded_at = sizes_decoded(monkeypatch)
    app.radio(key="rw_source").set_value("Upload a zip of class folders").run()
    assert "Up to 2,000 photos in up to 20 class folders." in [caption.value for caption in app.caption]
    app.file_uploader(key="rw_zip").set_value(("tiny_4990.zip", data, "application/zip")).run()
    assert not app.exception, app.exception
    [refusal] = [error.value for error in app.error]
    assert "4,990 photos; an upload may hold at most 2,000" in refusal
    assert decoded_at == [] and not app.metric and lesson_four(app).unpacked is None
    assert training_jobs_space_is_empty(app)


def training_jobs_space_is_empty(app: AppTest) -> bool:
    """Whether this session holds no unpacked upload (a refused zip is not kept)."""
    from ui import training_jobs

    return training_jobs.session_folders().folder_of(app_session(app).learner) is None


def test_photos_over_the_memory_budget_at_300_pixels_are_refused_before_they_are_decoded(monkeypatch):
    """1,500 tiny photos fit at 150×150; at 300×300 they would be 405 MB decoded, held several
    times over by a training: refused with what to change, and nothing is decoded or queued."""
    app = open_app("pages/real_world_images.py")
    decoded_at = sizes_decoded(monkeypatch)  # from the upload on (the page opened on its default photos)
    upload_zip(app, tiny_photos_zip(2, 750), "tiny_1500.zip")
    assert decoded_at == [150] and not app.error
    assert any("with 1,500 photos at 150×150" in caption.value for caption in app.caption)
    app.radio(key="rw_size").set_value(300)
    Path("/proc/self/clear_refs").write_text("5")  # this process's peak from here on
    app.button(key="FormSubmitter:rw_settings-Train").click().run()
    assert not app.exception, app.exception
    [refusal] = [error.value for error in app.error]
    assert "1,500 photos at 300×300 take" in refusal and "150×150 photos take a quarter" in refusal
    assert decoded_at == [150] and not job_active(app, course.REAL_WORLD_IMAGES.track)
    assert peak_since_reset_mb() < 100  # decoding them alone would have been 405 MB


@pytest.mark.parametrize("classes", [300, 2_400])
def test_hundreds_of_class_folders_are_refused_before_a_tile_is_drawn(monkeypatch, classes):
    """300 class folders of two photos (101 KB) crashed the lesson after 2.6 s (uint8 labels); 2,400
    drew 2,400 tiles first and crashed after 301.5 s. The visitor saw only the redacted error box."""
    app = open_app("pages/real_world_images.py")
    decoded_at = sizes_decoded(monkeypatch)  # from the upload on (the page opened on its default photos)
    app.radio(key="rw_source").set_value("Upload a zip of class folders").run()
    started = time.monotonic()
    app.file_uploader(key="rw_zip").set_value(("classes.zip", tiny_photos_zip(classes, 2), "application/zip")).run()
    assert not app.exception, app.exception
    [refusal] = [error.value for error in app.error]
    assert f"{classes:,} class folders; the lesson shows and trains at most 20" in refusal
    assert not app.metric and not app.get("image") and decoded_at == []
    assert time.monotonic() - started < 120


def test_an_uploads_decoded_photos_are_the_sessions_and_go_with_it():
    """A visitor's upload is theirs alone: its decoded photos were kept in the cache every visitor
    shares, where a closed tab's photos stayed until two other folders pushed them out."""
    import gc
    import weakref

    app = open_app("pages/real_world_images.py")
    upload_zip(app, zip_of_classes(("cats", "dogs")))
    photos_of_the_upload = weakref.ref(lesson_four(app).upload_photos[150].images)
    app.run()
    assert photos_of_the_upload().shape == (4, 150, 150, 3)  # decoded once, theirs while the tab is open
    del app  # the session ends: Streamlit lets a closed tab's session go
    while gc.collect():  # the page's functions and Streamlit's wrappers of them form cycles
        pass
    assert photos_of_the_upload() is None


HOSTILE_NAMES = ("**bold** [link](http:evil.example)", "<img src=x onerror=alert(1)>")


def markdown_on_the_page(app: AppTest) -> list[str]:
    """The Markdown sources the browser will render: messages, captions, texts and metric labels."""
    blocks = [*app.error, *app.warning, *app.info, *app.success, *app.caption, *app.markdown]
    return [block.value for block in blocks] + [metric.label for metric in app.metric]


def assert_shown_as_plain_text(app: AppTest) -> None:
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("gfm-like")
    for source in markdown_on_the_page(app):
        html = renderer.render(source)
        assert "<img" not in html and "<a " not in html and "<strong>bold</strong>" not in html, source


def test_real_world_shows_names_from_a_zip_and_uploads_as_plain_text():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name in HOSTILE_NAMES:
            for number in range(2):
                bundle.writestr(f"{name}/{number}.png", png_bytes())
        bundle.writestr("![t](https:/evil.example/track.gif)", b"a skipped member with a hostile name")
    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Upload a zip of class folders").run()
    app.file_uploader(key="rw_zip").set_value(("classes.zip", buffer.getvalue(), "application/zip")).run()
    assert not app.exception, app.exception
    assert any("evil" in caption.value for caption in app.caption)  # the skipped member is named
    assert len(app.metric) == 2  # one per hostile class folder
    assert_shown_as_plain_text(app)


def test_upload_names_in_messages_are_plain_text():
    app = open_app("pages/convolutions.py")
    app.radio(key="cp_src").set_value("My own photo").run()
    name = "<img src=x onerror=alert(1)> [x](https:/evil.example).png"
    app.get("file_uploader")[0].set_value((name, b"not a png", "image/png")).run()
    assert not app.exception, app.exception
    assert app.error, "the broken upload is reported"
    assert_shown_as_plain_text(app)


def send_table_edits(app: AppTest, key: str, edits: dict) -> AppTest:
    """What a scripted client can send for a data editor: any JSON, bypassing the browser's grid.
    AppTest has no setter for data editors, so the widget state is written as the browser would."""
    [editor] = [table for table in app.data_editor if table.key == key]
    states = app._tree.get_widget_states()
    state = states.widgets.add()
    state.id, state.string_value = editor.proto.id, json.dumps(edits)
    app._run(states)
    return app


@pytest.mark.parametrize(
    "edits",
    [
        {"edited_rows": {"99": {"x": 1}}, "added_rows": [], "deleted_rows": []},
        {"edited_rows": {"0": {"zzz": 1}}, "added_rows": [], "deleted_rows": []},
        {"edited_rows": {}, "added_rows": [{"x": 1, "y": 2}] * 100_000, "deleted_rows": []},
    ],
    ids=["row 99", "unknown column", "100,000 rows"],
)
def test_hand_made_table_edits_are_undone_with_a_message(edits):
    app = open_app("pages/hello_world.py")
    app.radio(key="hw_source").set_value("My own points").run()
    send_table_edits(app, "hw_table", edits)
    assert not app.exception, app.exception
    assert any("edits to the table were undone" in warning.value for warning in app.warning)
    app.run()  # and the page goes on with the course's points
    assert not app.exception and len(app.data_editor[0].value) == 6


def test_a_hand_made_kernel_edit_is_undone_with_a_message():
    app = open_app("pages/convolutions.py")
    send_table_edits(app, "cp_kernel/course edges", {"edited_rows": {"7": {"left": 1}}})
    assert not app.exception, app.exception
    assert any("undone" in warning.value for warning in app.warning)


def test_a_file_a_script_sends_past_the_pickers_types_is_checked_by_the_decoder():
    app = synthetic_lesson_four()
    app.slider(key="rw_epochs").set_value(1)
    app.button(key="FormSubmitter:rw_settings-Train").click().run()
    wait_for_training(app, course.REAL_WORLD_IMAGES.track)
    app.file_uploader(key="rw_photos").set_value([("moving.gif", b"GIF89a....", "image/gif")]).run()
    assert not app.exception, app.exception
    assert any("moving.gif" in shown(error.value) for error in app.error), [error.value for error in app.error]


def class_folders(root: Path, classes: tuple[str, ...] = ("cats", "dogs")) -> Path:
    for name in classes:
        (root / name).mkdir(parents=True)
        (root / name / "a.png").write_bytes(png_bytes())
    return root


def test_real_world_on_a_shared_server_offers_only_the_operators_folders(tmp_path, monkeypatch):
    """A visitor of a shared server (no loopback address, no ANY_FOLDER) cannot type a path: the
    other visitors' unpacked uploads in /tmp, or /, are out of reach."""
    monkeypatch.delenv(hosting.ANY_FOLDER_VARIABLE, raising=False)
    monkeypatch.setenv(hosting.COURSE_FOLDER_VARIABLE, str(class_folders(tmp_path / "horse-or-human")))
    monkeypatch.setenv(hosting.FOLDERS_VARIABLE, str(class_folders(tmp_path / "pets", ("birds", "fish"))))
    class_folders(tmp_path / "someone-elses-upload" / "data", ("private", "photos"))
    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Local folder").run()
    assert not app.exception, app.exception
    assert not app.text_input  # no free path
    assert app.selectbox(key="rw_server_folder").options == ["horse-or-human", "pets"]
    assert [item.label for item in app.metric] == ["cats", "dogs"]
    app.session_state["rw_path"] = str(tmp_path / "someone-elses-upload" / "data")  # a hand-made widget state
    app.selectbox(key="rw_server_folder").set_value("pets").run()
    assert [item.label for item in app.metric] == ["birds", "fish"]
    shown = " ".join(str(element.proto) for element in app.main)
    assert "private" not in shown and str(tmp_path) not in shown  # names, never the server's paths

    monkeypatch.delenv(hosting.COURSE_FOLDER_VARIABLE)
    monkeypatch.delenv(hosting.FOLDERS_VARIABLE)
    settings.forget()  # a server reads its settings once; this test changes them, so they are read again
    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Local folder").run()
    assert not app.text_input and "offers no training folders" in app.info[0].value


def test_real_world_on_your_own_machine_takes_any_folder_and_explains_bad_ones(tmp_path, monkeypatch):
    monkeypatch.setenv(hosting.ANY_FOLDER_VARIABLE, "1")
    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Local folder").run()
    app.text_input(key="rw_path").set_value(str(class_folders(tmp_path / "mine"))).run()
    assert [item.label for item in app.metric] == ["cats", "dogs"]
    for path, message in (
        (str(tmp_path / "nowhere"), "one sub-folder per class"),
        ("/", "one sub-folder per class"),  # the whole disk: a bounded scan and a message
        ("x" * 5000, "not a folder path"),
    ):
        app.text_input(key="rw_path").set_value(path).run()
        assert not app.exception, (path[:40], app.exception)
        assert message in shown(app.error[0].value), (path[:40], app.error[0].value)


def skimage_photo(name: str) -> bytes:
    """A real photo that scikit-image ships (PNG bytes as a learner would upload them)."""
    import skimage

    return (Path(skimage.__file__).parent / "data" / f"{name}.png").read_bytes()


def teach_the_first_photo(app: AppTest, label: int, epochs: int = 2) -> None:
    """Adds the first uploaded photo to class `label` and fine-tunes the network on it."""
    key = app.session_state["rw_photos"][0].file_id
    app.selectbox(key=f"rw_truth/{key}").set_value(label).run()
    app.button(key=f"rw_add/{key}").click().run()
    assert not app.exception, app.exception
    app.slider(key="rw_teach_epochs").set_value(epochs)
    app.button(key="FormSubmitter:rw_teach-Teach it").click().run()
    assert not app.exception, app.exception
    wait_for_training(app, course.REAL_WORLD_IMAGES.track)


def test_real_world_on_the_synthetic_sample_speaks_of_shapes_and_learns_the_learners_photo():
    """A real photo on the synthetic sample: the page measures it against the training photos
    and shows the nearest of them, speaks of circles and squares (not horses), and the learner
    adds it to a class and fine-tunes: the run table and the before/after view show it."""
    app = synthetic_lesson_four()
    app.slider(key="rw_epochs").set_value(2)
    app.slider(key="rw_blocks").set_value(3)
    app.button(key="FormSubmitter:rw_settings-Train").click().run()
    wait_for_training(app, course.REAL_WORLD_IMAGES.track)
    app.file_uploader(key="rw_photos").set_value([("coffee.png", skimage_photo("coffee"), "image/png")]).run()
    assert not app.exception, app.exception
    captions = " ".join(caption.value for caption in app.caption) + " ".join(w.value for w in app.warning)
    assert "training photos nearest to it" in captions
    assert "Familiar: " in captions or "Unusual: " in captions or "unlike anything the network trained on" in captions
    nearest = re.findall(r'caption: "(circles|squares) · 0', " ".join(str(image.proto) for image in app.get("image")))
    assert len(nearest) == 5, "the five nearest training photos are shown with their class and distance"
    # The lesson speaks of shapes; only the stand-in's notice names the course's photos, to offer them.
    words = " ".join(shown(item.value) for item in app.markdown if "This is a stand-in" not in item.value)
    assert "circle" in words and "horse" not in words.lower()

    teach_the_first_photo(app, label=1)  # it is a square, says the learner
    [own] = lesson_four(app).own_photos
    assert own.label == 1 and own.before_run == 1 and own.picture.shape == (320, 480, 3)  # 600×400: its own shape
    first, taught = lesson_runs(app, course.REAL_WORLD_IMAGES)
    assert taught.settings["own_photos"] == 1 and taught.settings["from_run"] == 1 and len(taught.loss) == 2
    assert first.settings["own_photos"] == 0 and first.settings["from_run"] == "off"
    report = " ".join(shown(item.value) for item in app.markdown)
    assert "Run 1 said" in report and "Run 2 says" in report, report
    # Beside a form that still says the epochs of training from scratch, the page says what run 2 did.
    said = [shown(info.value) for info in app.info]
    assert any("fine-tuned from run 1 with your 1 photo: 2 epochs from its weights" in value for value in said), said


def test_real_world_flags_a_real_photo_on_horse_or_human_and_learns_it_from_the_learner():
    """The course's data (CI sets HORSE_OR_HUMAN_DIR): a real photo (scikit-image's cat) is
    flagged as unlike anything the network trained on, the first flag comes with the explanation
    of why, and after the learner adds it to "humans" and fine-tunes, the network's answer changes
    to humans. (A real photo of a person lies at the flag's edge after three epochs: the camera
    man measured farther than 97% of the held-out photos, the flag being at 99%.)"""
    folder = os.environ.get("HORSE_OR_HUMAN_DIR")
    if not folder:
        pytest.fail("set HORSE_OR_HUMAN_DIR to the horse-or-human training set (bash .ci/run does)")
    app = open_app("pages/real_world_images.py")
    assert [item.label for item in app.metric] == ["horses", "humans"]
    app.slider(key="rw_epochs").set_value(3)
    app.button(key="FormSubmitter:rw_settings-Train").click().run()
    wait_for_training(app, course.REAL_WORLD_IMAGES.track)
    app.file_uploader(key="rw_photos").set_value([("chelsea.png", skimage_photo("chelsea"), "image/png")]).run()
    assert not app.exception, app.exception
    [flag] = [warning.value for warning in app.warning if "unlike anything the network trained on" in warning.value]
    assert "is not a probability of being right" in flag
    [why] = [info.value for info in app.info if "computer-generated" in info.value]
    assert "background" in why and "Teach it with your photos" in why

    teach_the_first_photo(app, label=1, epochs=3)
    report = " ".join(shown(item.value) for item in app.markdown)
    assert "Run 1 said horses" in report and "Run 2 says humans" in report, report  # its answer changed


def test_a_learners_own_photos_stay_in_their_session():
    """Alice adds a photo to a class; Bob, on the same server (AppTest runs both in one process,
    with the caches every visitor shares), trains and classifies too: he sees none of her photos,
    and his yardstick of training photos holds none of hers."""
    alice, bob = synthetic_lesson_four(), synthetic_lesson_four()
    app_session(alice).learner, app_session(bob).learner = "alice", "bob"  # AppTest gives one id to all
    for app in (alice, bob):
        app.slider(key="rw_epochs").set_value(1)
        app.slider(key="rw_blocks").set_value(3)
        app.button(key="FormSubmitter:rw_settings-Train").click().run()
        wait_for_training(app, course.REAL_WORLD_IMAGES.track)
    alice.file_uploader(key="rw_photos").set_value([("alice-marker.png", skimage_photo("coffee"), "image/png")]).run()
    key = alice.session_state["rw_photos"][0].file_id
    alice.selectbox(key=f"rw_truth/{key}").set_value(0).run()
    alice.button(key=f"rw_add/{key}").click().run()
    assert not alice.exception, alice.exception
    assert [photo.name for photo in lesson_four(alice).own_photos] == ["alice-marker.png"]

    bob.file_uploader(key="rw_photos").set_value([("bob.png", skimage_photo("astronaut"), "image/png")]).run()
    assert not bob.exception, bob.exception
    assert lesson_four(bob).own_photos == ()
    captions = " ".join(caption.value for caption in bob.caption)
    bob_page = " ".join(str(element.proto) for element in bob.get("image")) + captions
    assert "alice" not in bob_page and "Add a classified photo above" in captions
    memory = lesson_four(bob).memory.measured  # Bob's yardstick holds only the training photos
    assert len(memory.indices) == len(memory.labels) and memory.indices.max() < 240


def course_cache(root: Path) -> Path:
    """A cache that holds both course archives, as an earlier download leaves it."""
    class_folders(root / "horse-or-human", ("horses", "humans"))
    class_folders(root / "validation-horse-or-human", ("horses", "humans"))
    return root


def test_real_world_opens_on_the_course_photos_once_they_are_downloaded(tmp_path, monkeypatch):
    from core.real_world_images import course_download

    monkeypatch.delenv(hosting.COURSE_FOLDER_VARIABLE, raising=False)
    monkeypatch.setattr(course_download, "CACHE_DIR", course_cache(tmp_path / "cache"))
    app = open_app("pages/real_world_images.py")
    assert app.radio(key="rw_source").value == "Download the course's horse-or-human"
    assert [item.label for item in app.metric] == ["horses", "humans"]
    assert "rw_download" not in [button.key for button in app.button]  # no press needed
    captions = " ".join(caption.value for caption in app.caption)
    assert "separate validation set (2 photos)" in captions
    assert not any("stand-in" in block.value for block in app.markdown)


def test_the_synthetic_sample_says_it_is_a_stand_in_and_the_download_is_one_press(tmp_path, monkeypatch):
    from core.real_world_images import course_download

    monkeypatch.delenv(hosting.COURSE_FOLDER_VARIABLE, raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setattr(course_download, "CACHE_DIR", cache)
    app = open_app("pages/real_world_images.py")
    assert app.radio(key="rw_source").value == "Synthetic sample"  # nothing cached, nothing downloaded yet
    assert any("This is a stand-in" in block.value for block in app.markdown)
    assert [item.label for item in app.metric] == ["circles", "squares"]
    assert [item.value for item in app.metric] == ["120 images", "120 images"]

    def offline(on_progress=None, cache_dir=None):
        raise ConnectionError(f"Could not download {course_download.TRAINING_URL}: {plain}.")

    plain = "this computer could not find the server: there seems to be no internet connection"
    monkeypatch.setattr(course_download, "download_course_data", offline)
    app.button(key="rw_offer_download").click().run()
    assert not app.exception, app.exception
    assert app.radio(key="rw_source").value == "Download the course's horse-or-human"
    [error] = app.error
    said = shown(error.value)
    assert plain in said and "use the synthetic sample" in said and "Errno" not in said

    def download(on_progress=None, cache_dir=None):
        course_cache(cache)
        on_progress("horse-or-human.zip", 1, 2)
        return course_download.cached_course_data(cache)

    monkeypatch.setattr(course_download, "download_course_data", download)
    app.button(key="rw_download").click().run()
    assert not app.exception, app.exception
    assert [item.label for item in app.metric] == ["horses", "humans"] and not app.error


@pytest.mark.parametrize("own_computer", [False, True], ids=["shared server", "own computer"])
def test_the_download_captions_name_the_servers_cache_folder_only_on_a_learners_own_computer(
    tmp_path, monkeypatch, own_computer
):
    """Lesson 4's download and week 4's said "kept in /root/.cache/tf-first-steps" to every visitor."""
    from core.real_world_images import course_download
    from core.real_world_images import exercise as week4

    monkeypatch.delenv(hosting.COURSE_FOLDER_VARIABLE, raising=False)
    monkeypatch.setenv(hosting.ANY_FOLDER_VARIABLE, "1" if own_computer else "0")
    cache = tmp_path / "server-cache"
    monkeypatch.setattr(course_download, "CACHE_DIR", cache)

    def said(app: AppTest) -> tuple[str, str]:
        """The captions, and every text the page sent (where a path could hide)."""
        return " ".join(caption.value for caption in app.caption), " ".join(str(item.proto) for item in app.main)

    app = open_app("pages/real_world_images.py")
    app.radio(key="rw_source").set_value("Download the course's horse-or-human").run()  # not yet downloaded
    app.session_state["rw_exercise"] = True  # week 4's panel, with its download offered
    app.run()
    app.radio(key="rwx_source").set_value(app.radio(key="rwx_source").options[1]).run()
    assert not app.exception, app.exception
    before = said(app)
    course_cache(cache)  # downloaded
    after = said(open_app("pages/real_world_images.py"))
    where = f"in {cache}" if own_computer else "on this server"
    assert f"and its validation set, checked and kept {where} for later runs" in before[0]
    assert f"From {week4.URL}, checked and kept {where}." in before[0]
    assert f"The course's horse-or-human photos, kept {where}; validated" in after[0]
    assert (str(cache) in before[1] + after[1]) is own_computer


def test_without_fashion_mnist_the_lesson_lists_the_ways_and_what_was_tried_apart(monkeypatch):
    from core.data import fashion_mnist
    from ui import components

    def nowhere(allow_download=True):
        raise fashion_mnist.DataUnavailable(
            "Fashion-MNIST",
            ["on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist;"],
            [
                "Debian package (/usr/share/datasets/fashion-mnist): the folder does not exist",
                "Keras's download: no internet connection (this computer could not find the download server)",
            ],
        )

    monkeypatch.setattr(fashion_mnist, "load_fashion_mnist", nowhere)
    components.fashion_mnist_data.clear()  # a shared cache: another test may have loaded it
    try:
        app = open_app("pages/computer_vision.py")
        [error] = app.error
        said = shown(error.value)
        ways, tried = said.split("What was tried:")
        assert "Fashion-MNIST could not be found" in ways and "- on Debian or Ubuntu" in ways
        assert tried.count("\n- ") == 2 and "no internet connection" in tried and "Errno" not in said
    finally:
        components.fashion_mnist_data.clear()


def test_real_world_speaks_korean_with_lang_ko_and_keeps_its_values():
    """`?lang=ko`: the page's own words come from the Korean catalogue, and the sources' radio still
    holds the English values that the code compares and links carry."""
    from core.base import language

    korean = language.words("ko")
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    app.query_params[language.ADDRESS_KEY] = "ko"
    app.run()
    app.switch_page("pages/real_world_images.py").run()
    app.radio(key="rw_source").set_value("Synthetic sample").run()
    assert not app.exception, app.exception
    assert app.radio(key="rw_source").value == "Synthetic sample"
    assert korean("real_world_images.source.synthetic") in app.radio(key="rw_source").options
    assert [item.value for item in app.subheader][:2] == [
        korean("real_world_images.pictures.header"),
        korean("real_world_images.settings.header"),
    ]
    assert [item.value for item in app.metric] == ["이미지 120장", "이미지 120장"]
    assert app.slider(key="rw_blocks").label == korean("real_world_images.settings.blocks")
    shown_text = " ".join(block.value for block in [*app.markdown, *app.caption, *app.info])
    for english in ("Unlike Fashion-MNIST", "This is a stand-in", "Press **Train**", "Sizes in a sample"):
        assert english not in shown_text
