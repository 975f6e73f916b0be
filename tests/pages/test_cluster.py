"""A server told to train on a Ray cluster (RAY_ADDRESS) that cannot be joined: every page says
why under its title, the lessons still work, a learner's runs stay, and Train says why it cannot
train, without a traceback and without training on the web server instead."""

from __future__ import annotations

import socket

from core.base import course
from tests.pages.test_pages import app_session, lesson_runs, open_app, wait_for_training


def test_an_unreachable_cluster_is_explained_the_runs_stay_and_train_says_why(monkeypatch):
    with socket.socket() as closed:  # a port nobody listens on: the cluster is down
        closed.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{closed.getsockname()[1]}"
    monkeypatch.setenv("RAY_ADDRESS", address)
    app = open_app("pages/hello_world.py")  # Lesson 1 trains its neuron in the page, on arrival
    [kept] = lesson_runs(app, course.HELLO_WORLD)
    said = [warning.value for warning in app.warning if "Training is unavailable" in warning.value]
    assert said and f"nothing answers at `{address}` (RAY_ADDRESS)" in said[0]

    app.switch_page("pages/computer_vision.py").run()
    assert not app.exception, app.exception
    assert any(f"nothing answers at `{address}`" in warning.value for warning in app.warning)
    assert len(app.get("image")) == 10  # the lesson itself still renders: the class gallery
    app.slider(key="cv_percent").set_value(5)
    app.slider(key="cv_epochs").set_value(1)
    app.button(key="FormSubmitter:cv_settings-Train").click().run()
    assert not app.exception, app.exception
    wait_for_training(app, course.COMPUTER_VISION.track)
    said = [error.value for error in app.error if error.value.startswith("Training is unavailable: nothing answers")]
    assert said and "RAY_ADDRESS" in said[0]  # pressing Train says why it cannot train
    assert lesson_runs(app, course.HELLO_WORLD) == [kept]  # the learner's earlier run is still there
    assert app_session(app).track(course.COMPUTER_VISION.track).result is None  # nothing was trained, here or anywhere
