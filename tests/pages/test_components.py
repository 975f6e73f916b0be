"""The page pieces every lesson shares, each run alone as a tiny Streamlit script through AppTest."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import time

import keras
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.base import course, fair_queue, jobs
from core.engine import image_classifier, training
from tests.conftest import REPOSITORY
from ui import session

TRACK = course.COMPUTER_VISION.track  # the lesson whose shared pieces the scripts below use

TIMEOUT_S = 180


def run_script(script, **kwargs) -> AppTest:
    app = AppTest.from_function(script, kwargs=kwargs, default_timeout=TIMEOUT_S)
    app.run()
    assert not app.exception, app.exception
    return app


def stop_rule_script():
    import streamlit as st

    from ui import components

    st.session_state["rule"] = components.stop_rule_ui("test", default_target=0.8)


def test_stop_rule_is_none_until_turned_on_and_then_the_chosen_rule():
    app = run_script(stop_rule_script)
    assert app.session_state["rule"] is None
    enabled, metric, target = session.stop_rule_keys("test")
    app.checkbox(key=enabled).check()
    app.radio(key=metric).set_value("loss")
    app.number_input(key=target).set_value(0.25).run()
    assert app.session_state["rule"] == training.StopAtTarget("loss", 0.25)


@dataclasses.dataclass(frozen=True)
class TinySettings:
    """What a lesson's config gives the job and the results: epochs, the input scale, the stop rule."""

    epochs: int
    stop: training.StopAtTarget | None = None
    input_scale: float = 1 / 255


def tiny_model(settings: TinySettings) -> keras.Model:
    return keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(), keras.layers.Dense(2, "softmax")])


def tiny_build(settings: TinySettings, data) -> jobs.TrainingSetup:
    """A classifier of bright vs dark 8×8 pictures, built and trained as a lesson's job is."""
    images, labels = data
    model = tiny_model(settings)
    trainer = training.Trainer(
        model,
        training.make_optimizer("adam", 0.05),
        "sparse_categorical_crossentropy",
        images,
        labels,
        batch_size=16,
        accuracy="sparse_categorical",
        input_scale=1 / 255,
        steps_per_call=1,
        stop=settings.stop,
    )
    return jobs.TrainingSetup(model, trainer, image_classifier.HeldOut(images[:20], labels[:20], "validation"))


def tiny_data():
    rng = np.random.default_rng(0)
    labels = (np.arange(64) % 2).astype(np.uint8)
    return (rng.integers(0, 80, size=(64, 8, 8)) + labels[:, None, None] * 150).astype(np.uint8), labels


def training_script(epochs: int, stop_target: float | None):
    """A page in miniature: Train queues a job; the shared pieces poll it and show the results."""
    import streamlit as st

    from core.base import course, jobs
    from core.engine import training
    from tests.pages import test_components as here
    from ui import components

    lesson = course.COMPUTER_VISION
    stop = None if stop_target is None else training.StopAtTarget("accuracy", stop_target)
    if st.button("Train", key="train"):
        settings = here.TinySettings(epochs, stop)
        job = jobs.TrainingJob(lesson.key, settings, here.tiny_build, here.tiny_model, data=here.tiny_data())
        components.start_training(lesson, job)
    run = components.training_ui(lesson)
    if run is not None:
        components.classifier_results_ui(lesson, run, ["dark", "bright"])
        components.runs_ui(lesson, log_scale=False)


def wait_until(app: AppTest, condition, timeout_s: float = 120) -> AppTest:
    """Reruns the page, as its polling fragment would, until the condition holds."""
    deadline = time.monotonic() + timeout_s
    while not condition(app):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
        app.run()
        assert not app.exception, app.exception
    return app


def track(app: AppTest) -> session.TrackState:
    """The lesson's trainings in the page's session: its job, latest result and runs."""
    return session.of(app.session_state).track(TRACK)


def job_ended(app: AppTest) -> bool:
    return track(app).jobs.active is None


@pytest.fixture
def runner(monkeypatch):
    """A runner of this test's own, with one slot, in place of the server-wide one."""
    from ui import training_jobs

    own = jobs.LocalJobRunner(slots=1, abandon_after_s=600)
    monkeypatch.setattr(training_jobs, "job_runner", lambda: own)
    return own


def test_training_keeps_the_run_scores_it_on_the_held_out_images_and_records_it(runner):
    app = run_script(training_script, epochs=3, stop_target=None)
    assert track(app).result is None  # nothing before the first run
    app.button(key="train").click().run()
    wait_until(app, job_ended)
    run = track(app).result
    assert run.history.epochs_run == 3 and run.held_out.name == "validation" and len(run.held_out.labels) == 20
    [record] = track(app).runs
    assert record.lesson == "computer_vision" and record.outcome == "finished" and len(record.loss) == 3
    assert record.results["validation accuracy"] == round(run.evaluation.accuracy, 4)
    assert record.results["parameters"] == 8 * 8 * 2 + 2
    labels = [item.label for item in app.metric]
    assert labels == ["Validation accuracy", "Validation loss", "Training time", "Epochs run"]
    assert [item.value for item in app.metric][3] == "3 of 3"
    assert len(app.get("plotly_chart")) == 3  # curves, confusion, per class: the other tabs and overlays wait
    assert len(app.dataframe) == 1 and list(app.dataframe[0].value["run"]) == [1]
    assert runner.jobs_of(session.of(app.session_state).learner) == []  # the ended job was collected once


def test_the_stop_rule_travels_with_the_job_and_names_the_outcome(runner):
    app = run_script(training_script, epochs=20, stop_target=0.9)
    app.button(key="train").click().run()
    wait_until(app, job_ended)
    record = track(app).runs[-1]
    assert record.outcome == "stopped at target" and len(record.loss) < 20
    assert "cancelling training" in app.success[0].value


def test_a_queued_job_shows_its_place_and_stop_keeps_what_was_trained(runner):
    blocker = jobs.TrainingJob("convolutions", TinySettings(400), tiny_build, tiny_model, data=tiny_data())
    blocker_id = runner.submit("another learner", blocker)
    app = run_script(training_script, epochs=400, stop_target=None)
    app.button(key="train").click().run()
    assert "number 1 in the queue" in app.info[0].value  # the only slot is taken
    runner.cancel(blocker_id)
    wait_until(app, lambda app: any("Epoch" in bar.proto.text for bar in app.get("progress")))
    wait_until(app, lambda app: track(app).jobs.active and epochs_trained(runner, app) >= 2)
    app.button(key=session.stop_key(TRACK)).click().run()
    wait_until(app, job_ended)
    assert "Training was stopped after" in app.warning[0].value
    [record] = track(app).runs
    assert record.outcome == "stopped" and 2 <= len(record.loss) < 400
    app.run()  # recorded once, not again on every rerun
    assert len(track(app).runs) == 1


def epochs_trained(runner, app) -> int:
    status = runner.status(track(app).jobs.active.job_id)
    return status.progress.epoch if status and status.progress else 0


def test_train_during_a_run_asks_before_stopping_it(runner):
    app = run_script(training_script, epochs=400, stop_target=None)
    app.button(key="train").click().run()
    first = track(app).jobs.active.job_id
    app.button(key="train").click().run()
    assert "still running" in app.warning[0].value
    assert track(app).jobs.active.job_id == first  # nothing new was started
    app.button(key=session.replace_key(TRACK)).click().run()
    wait_until(app, lambda app: track(app).jobs.active.job_id != first)
    records = track(app).runs
    assert [record.outcome for record in records] in ([], ["stopped"])  # stopped before or after its first epoch
    runner.cancel(track(app).jobs.active.job_id)
    wait_until(app, job_ended)


def held_build(settings: TinySettings, release: threading.Event) -> jobs.TrainingSetup:
    """A job that holds its slot, without using the CPU, until the test releases it."""
    assert release.wait(timeout=120), "the test never released the job"
    return tiny_build(settings, tiny_data())


FLOODER, LEARNER = "address:198.51.100.7", "address:203.0.113.5"


@pytest.fixture
def crowded(monkeypatch):
    """One slot, held by another visitor's job, and this page's visitor at LEARNER's address."""
    from ui import training_jobs

    own = jobs.LocalJobRunner(slots=1, abandon_after_s=600, limits=fair_queue.QueueLimits(per_client=4, total=8))
    monkeypatch.setattr(training_jobs, "job_runner", lambda: own)
    monkeypatch.setattr(training_jobs, "client_key", lambda: LEARNER)
    release = threading.Event()
    submitted: list[str] = []

    def waiting_job(owner: str, client: str) -> str:
        job = jobs.TrainingJob("convolutions", TinySettings(2), held_build, tiny_model, data=release)
        submitted.append(own.submit(owner, job, client=client))
        return submitted[-1]

    yield own, waiting_job
    for job_id in submitted:
        own.cancel(job_id)
    release.set()
    assert own.wait(submitted[0], 60).state is jobs.JobState.STOPPED


def test_a_learner_is_next_however_many_jobs_one_other_address_queued(crowded):
    runner, waiting_job = crowded
    for n in range(5):  # one runs, four wait
        waiting_job(f"flood-{n}", FLOODER)
    app = run_script(training_script, epochs=2, stop_target=None)
    app.button(key="train").click().run()
    assert "number 1 in the queue" in app.info[0].value, app.info[0].value
    runner.cancel(track(app).jobs.active.job_id)


@pytest.mark.parametrize(
    ("queued", "said"),
    [
        ({FLOODER: 5, "address:192.0.2.1": 4}, "8 trainings already wait for its 1 training slot"),
        ({FLOODER: 1, LEARNER: 4}, "4 trainings from your network address"),  # the learner's neighbours
    ],
)
def test_a_full_queue_says_the_server_is_busy_and_when_to_try_again(crowded, queued, said):
    runner, waiting_job = crowded
    for client, count in queued.items():
        for n in range(count):
            waiting_job(f"{client}-{n}", client)
    app = run_script(training_script, epochs=2, stop_target=None)
    app.button(key="train").click().run()
    [warning] = app.warning
    assert warning.value.startswith("The server is busy") and said in warning.value, warning.value
    assert "Try again in about" in warning.value
    assert not any("in the queue" in info.value for info in app.info)  # no promise of a long wait
    assert track(app).jobs.active is None and runner.jobs_of(session.of(app.session_state).learner) == []


def client_script():
    import streamlit as st

    from ui import training_jobs

    st.session_state["client"] = training_jobs.client_key()


def test_a_signed_in_visitor_counts_as_their_account():
    app = AppTest.from_function(client_script, default_timeout=TIMEOUT_S)
    app.user = {"is_logged_in": True, "iss": "https://accounts.example.org", "sub": "42", "email": "a@example.org"}
    app.run()
    assert app.session_state["client"] == "account:oidc:https://accounts.example.org|42"  # as progress names it
    app.user = {"is_logged_in": False, "email": "a@example.org"}  # an email alone is no sign-in
    app.run()
    assert not app.session_state["client"].startswith("account:")  # AppTest has no real address to show


def failing_build(settings, data):
    raise MemoryError("a test pretending the server ran out of memory")


def failing_script():
    import streamlit as st

    from core.base import course, jobs
    from tests.pages import test_components as here
    from ui import components

    if st.button("Train", key="train"):
        job = jobs.TrainingJob("computer_vision", here.TinySettings(2), here.failing_build, here.tiny_model)
        components.start_training(course.COMPUTER_VISION, job)
    components.training_ui(course.COMPUTER_VISION)


def test_a_failed_job_is_a_clear_message_and_records_nothing(runner):
    app = run_script(failing_script)
    app.button(key="train").click().run()
    wait_until(app, job_ended)
    assert "ran out of memory" in app.error[0].value
    assert track(app).runs == [] and track(app).result is None
    assert runner.running == 0


def test_clearing_the_run_history(runner):
    app = run_script(training_script, epochs=1, stop_target=None)
    app.button(key="train").click().run()
    wait_until(app, job_ended)
    assert len(track(app).runs) == 1
    app.button(key=session.clear_runs_key(TRACK)).click().run()
    assert track(app).runs == []
    assert "Train to start your run history." in [caption.value for caption in app.caption]


def code_script():
    from ui import components

    components.show_code_ui("print('hello')\n", "hello.py")


def test_show_the_code_offers_the_script_and_its_download():
    app = run_script(code_script)
    assert not app.code  # drawn only once opened: every element costs the learner's browser time
    app.session_state[session.code_key("hello.py")] = True
    app.run()
    assert app.code[0].value.strip() == "print('hello')" and app.code[0].language == "python"
    assert "Show the code" in app.expander[0].label


def test_page_reruns_no_longer_clear_the_state_of_jobs_training_in_other_threads():
    """Streamlit clears Keras's global state after every script run; with jobs building models in
    other threads, that gave two layers of one model the same name. The components turn it off.
    Checked in a fresh interpreter: in this one another test may have imported them already."""
    check = """
import keras
from streamlit.runtime.scriptrunner import script_runner

import ui.components  # importing the components is what turns the clearing off

before = keras.layers.Dense(1).name
script_runner._clean_problem_modules()  # what Streamlit runs after each script run
after = keras.layers.Dense(1).name
assert before != after, (before, after)  # the layer counter went on: nothing was cleared
"""
    subprocess.run([sys.executable, "-c", check], cwd=REPOSITORY, check=True, timeout=120)


def two_settings_script():
    """A page whose learner chooses the epochs, trains, and compares the runs."""
    import streamlit as st

    from core.base import course, jobs
    from tests.pages import test_components as here
    from ui import components

    lesson = course.COMPUTER_VISION
    epochs = st.number_input("Epochs", 1, 5, 1, key="epochs")
    if st.button("Train", key="train"):
        job = jobs.TrainingJob(
            lesson.key, here.TinySettings(epochs), here.tiny_build, here.tiny_model, here.tiny_data()
        )
        components.start_training(lesson, job)
    components.training_ui(lesson)
    components.runs_ui(lesson, log_scale=False)


def test_the_runs_table_says_shared_settings_once_and_shows_what_differs(runner):
    """Every column readable at a laptop's width: the settings every run shares are said once above
    the table, which keeps the ones that differ, the outcome and the results; the overlay names each
    run by what differs."""
    app = run_script(two_settings_script)
    app.button(key="train").click().run()
    wait_until(app, job_ended)
    captions = [caption.value.replace("\\", "") for caption in app.caption]
    assert any(caption.startswith("Settings: epochs=1, stop=off, input_scale=") for caption in captions), captions
    app.number_input(key="epochs").set_value(2)
    app.button(key="train").click().run()
    wait_until(app, job_ended)
    captions = [caption.value.replace("\\", "") for caption in app.caption]
    assert any(caption.startswith("Same in every run: stop=off, input_scale=") for caption in captions), captions
    table = app.dataframe[0].value
    assert list(table.columns[:3]) == ["run", "settings", "outcome"] and "stop" not in table.columns
    assert list(table["settings"]) == ["epochs=1", "epochs=2"] and "final loss" in table.columns
    # A result is a column when the runs differ in it, else said once above: the tiny network can score
    # the same validation accuracy after one epoch and after two (it did once in CI).
    assert "validation accuracy" in table.columns or any("validation accuracy=" in caption for caption in captions)
    assert "parameters" not in table.columns  # the same network in both runs: said once, above
    assert any("parameters=130" in caption for caption in captions), captions
    overlay = app.get("plotly_chart")[-1].proto.spec
    assert '"#1 epochs=1"' in overlay and '"#2 epochs=2"' in overlay


def uploaders_script():
    from ui import components

    components.file_uploader("Photos (JPEG, PNG or WebP)", key="photos", types=["jpg", "jpeg", "png", "webp"])
    components.file_uploader("A zip of class folders", key="classes", types=["zip"])


def test_uploaders_state_the_limits_the_app_enforces_and_no_type_list():
    """Streamlit's line under an uploader said "150MB per file • image/jpeg, image/png, image/webp,
    JPG, PNG, WEBP" for photos the decoder refuses above 10 MB."""
    from core.data import image_folders, uploads

    app = run_script(uploaders_script)
    photos, classes = app.get("file_uploader")
    assert photos.proto.max_upload_size_mb * 2**20 == uploads.MAX_UPLOAD_BYTES
    assert classes.proto.max_upload_size_mb * 2**20 == image_folders.ZipLimits().max_zip_bytes
    assert list(photos.proto.type) == list(classes.proto.type) == []


def test_the_link_box_speaks_the_learners_language_and_its_link_carries_it():
    from ui import components

    box = components.experiment_link_box(["bogus"], "ko")
    assert "링크 복사" in box and 'data-language="ko"' in box and 'data-language-key="lang"' in box
    assert "__" not in box.split("-->", 1)[1]  # every marker filled in
    assert "&quot;bogus&quot;" in box  # the dropped names, escaped for the attribute
    assert ">Copy link<" in components.experiment_link_box([], "en")


def embedding_map_script():
    import numpy as np

    from core.base import course
    from core.computer_vision import dense_network
    from core.engine import image_classifier, training
    from ui import embedding_map, session

    state = session.track(course.COMPUTER_VISION.track)
    if state.result is None:
        config = dense_network.DenseNetConfig(hidden_units=(16,))
        model = dense_network.make_model(config)
        images = np.random.default_rng(0).integers(0, 256, size=(120, 28, 28), dtype=np.uint8)
        held_out = image_classifier.HeldOut(images, np.arange(120) % 10)
        evaluation = image_classifier.evaluate(model, held_out)
        state.result = image_classifier.TrainedRun(config, model, training.TrainingHistory(1), evaluation, held_out)
    names = [f"class {label}" for label in range(10)]
    embedding_map.embedding_map_ui(course.COMPUTER_VISION, state.result, names, fashion_mnist=True)


def plotly_array(value) -> np.ndarray:
    """An array as plotly sends it to the browser: a list, or NumPy's bytes in base64 ("bdata")."""
    import base64

    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def test_the_map_draws_both_networks_and_keeps_them_for_the_run():
    import json

    app = run_script(embedding_map_script)
    (chart,) = app.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert len(spec["data"]) == 10 + 10 + 1  # a trace per class in each map, and the ring's legend entry
    assert sum(len(plotly_array(trace["x"])) for trace in spec["data"][:10]) == 120
    captions = " ".join(caption.value for caption in app.caption)
    assert "Each point is one of 120 held-out images" in captions and "shirt, T-shirt, pullover" in captions
    assert "Click a point" in captions
    kept = session.of(app.session_state).track(TRACK).maps
    assert kept is not None and list(kept.by_method) == ["pca"]
    maps = kept.by_method["pca"]
    app.run()  # a click on the map runs the page again: the maps are not made again
    assert session.of(app.session_state).track(TRACK).maps.by_method["pca"] is maps
    app.session_state[session.map_method_key(course.COMPUTER_VISION, "results")] = "tsne"
    app.run()
    assert not app.exception, app.exception
    kept = session.of(app.session_state).track(TRACK).maps
    assert list(kept.by_method) == ["pca", "tsne"] and kept.by_method["pca"] is maps
    (chart,) = app.get("plotly_chart")
    assert json.loads(chart.proto.spec)["layout"]["xaxis"]["title"]["text"] == "t-SNE axis 1"
    assert any("Each map is its own t-SNE run" in caption.value for caption in app.caption)


def test_a_clicked_point_is_read_by_its_customdata():
    from types import SimpleNamespace

    from ui import embedding_map

    def event(points):
        return SimpleNamespace(selection=SimpleNamespace(points=points))

    assert embedding_map.clicked_index(event([{"customdata": 17, "x": 0.1}])) == 17
    assert embedding_map.clicked_index(event([{"customdata": [4]}])) == 4
    assert embedding_map.clicked_index(event([{"x": 1.0}])) is None  # a star: no held-out image
    assert embedding_map.clicked_index(event([])) is None
    assert embedding_map.clicked_index(None) is None
