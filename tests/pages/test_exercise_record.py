"""The learner's record and certificate (`ui.exercise_record`) as a page draws them: the name beside
the two downloads, one certificate id for both files, and files that each button holds itself on
every run, so that a press never looks for a file a rerun has dropped."""

from __future__ import annotations

import io
import json

from PIL import Image
from streamlit.testing.v1 import AppTest

from core.base import exercises
from tests.pages.test_pages import TIMEOUT_S
from ui import session


def record_script(default_name: str = ""):
    import streamlit as st

    from ui import exercise_record

    exercise_record.record_ui(st.session_state.get("where", "course_map"), default_name=default_name)


def passed_grade() -> exercises.Grade:
    exercise = exercises.Exercise("week2_stop_at_98", 2, "Stop at 98%", "task", "criterion")
    checks = [exercises.Check("final training accuracy ≥ 0.999", True, "0.9995")]
    return exercises.grade(exercise, checks, {"epochs": 10}, "MNIST")


def record_page(default_name: str = "", language: str | None = None) -> AppTest:
    app = AppTest.from_function(record_script, kwargs={"default_name": default_name}, default_timeout=TIMEOUT_S)
    session.of(app.session_state).record["week2_stop_at_98"] = passed_grade()
    if language:
        app.session_state[session.LANGUAGE] = language
    return rerun(app)


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def downloads(app: AppTest, where: str = "course_map") -> dict[str, str]:
    """Each certificate button's file address, checked to be the file itself (not one made on a press)."""
    addresses = {}
    for extension in ("json", "png"):
        button = app.download_button(key=session.certificate_key(extension, where))
        assert not button.proto.HasField("deferred_file_id"), "made on a press: a rerun drops it"
        assert button.proto.url.startswith("/mock/media/") and button.proto.ignore_rerun
        addresses[extension] = button.proto.url
    return addresses


def files(app: AppTest) -> tuple[dict, bytes]:
    kept = session.of(app.session_state).certificate
    assert kept is not None
    return json.loads(kept.json["en"]), kept.pictures["en"].png


def name_box(app: AppTest, where: str = "course_map"):
    return app.text_input(key=session.certificate_name_key(where))


def test_both_buttons_hold_their_files_on_every_run_and_share_one_certificate_id():
    app = record_page()
    first = downloads(app)
    assert first["json"] != first["png"]
    record, png = files(app)
    kept = session.of(app.session_state).certificate
    assert record["certificate_id"] == kept.certificate_id and len(kept.certificate_id) == 32
    assert record["learner"] is None
    assert record["exercises"][0]["measured"] == {"final training accuracy ≥ 0.999": "0.9995"}
    assert png == exercises.certificate_png(kept.grades, "", certificate_id=kept.certificate_id)  # the same id
    app.download_button(key=session.certificate_key("json", "course_map")).click()
    rerun(app)  # a run between two presses, as the first press's or a training's
    assert downloads(app) == first  # the second press finds the same file
    assert session.of(app.session_state).certificate is kept


def test_the_name_typed_goes_on_a_new_certificate_kept_across_the_record_on_every_page():
    app = record_page()
    assert name_box(app).label == "Your name on the certificate"
    before, first_id = downloads(app), session.of(app.session_state).certificate.certificate_id
    name_box(app).input("Ada Lovelace")
    rerun(app)
    record, png = files(app)
    assert record["learner"] == "Ada Lovelace" and record["certificate_id"] != first_id
    assert png == exercises.certificate_png([passed_grade()], "Ada Lovelace", certificate_id=record["certificate_id"])
    assert downloads(app) != before and session.of(app.session_state).certificate_name == "Ada Lovelace"
    app.session_state["where"] = "hello_world_exercise"  # the same record in a lesson's exercise
    rerun(app)
    assert name_box(app, "hello_world_exercise").value == "Ada Lovelace"
    assert files(app)[0]["certificate_id"] == record["certificate_id"]  # the same certificate


def test_a_default_name_is_filled_in_until_the_learner_changes_it():
    app = record_page(default_name="Grace Hopper")
    assert name_box(app).value == "Grace Hopper" and files(app)[0]["learner"] == "Grace Hopper"
    name_box(app).input("")
    rerun(app)
    assert files(app)[0]["learner"] is None
    rerun(app)
    assert name_box(app).value == "" and files(app)[0]["learner"] is None  # cleared stays cleared


def test_a_korean_learner_gets_the_name_box_and_certificate_in_korean():
    app = record_page(language="ko")
    assert name_box(app).label == "증명서에 적을 이름"
    kept = session.of(app.session_state).certificate
    assert "채점" in json.loads(kept.json["ko"])["course"]
    assert kept.pictures["ko"].language == "ko" and kept.pictures["ko"].undrawn == ""
    assert Image.open(io.BytesIO(kept.pictures["ko"].png)).format == "PNG"
    assert not app.caption.values[1:]  # nothing to say about fonts: only the record's line
