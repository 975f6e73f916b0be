"""Where a learner's work is saved, as the pages do it (ui/progress.py, pages/teacher.py): on the
learner's own machine it goes to the SQLite file in their data folder, a guest's stays in the tab,
a database that cannot be used costs nothing but a line, and a teacher sees the class."""

from __future__ import annotations

import getpass
import os
import sqlite3
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from core.base import course, exercises, progress, settings
from core.base import runs as run_history
from tests.pages.test_pages import REPOSITORY, TIMEOUT_S, lesson_runs
from ui import progress as learner_progress
from ui import session

LOCAL = f"local:{getpass.getuser()}"


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """A data folder of the test's own: the default SQLite file goes there."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("PROGRESS_DATABASE_URL", raising=False)
    settings.forget()
    return tmp_path


@pytest.fixture
def own_machine():
    """The server listens on loopback only, as `streamlit run` on a laptop does (AppTest has no address)."""
    before = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "127.0.0.1")
    yield
    streamlit_config.set_option("server.address", before)


def opened(page: str) -> AppTest:
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def sidebar_text(app: AppTest) -> str:
    return " ".join(element.value for element in [*app.sidebar.caption, *app.sidebar.warning])


def store_at(url: str) -> progress.ProgressStore:
    return progress.open_store(progress.engine_for(url))


def test_on_the_learners_own_machine_a_run_is_saved_to_the_file_the_sidebar_names(data_home, own_machine):
    app = opened("pages/hello_world.py")  # Lesson 1 trains the course's neuron as it opens
    [run] = lesson_runs(app, course.HELLO_WORLD)
    database = data_home / progress.APP_FOLDER / progress.DATABASE_FILE
    assert str(database) in sidebar_text(app)
    [saved] = store_at(progress.default_url()).runs(LOCAL)
    assert (saved.lesson, saved.number, saved.loss, saved.results) == (run.lesson, 1, run.loss, run.results)
    app.button(key="FormSubmitter:hw_settings-Train").click().run()  # a second run, saved once more
    assert [kept.number for kept in store_at(progress.default_url()).runs(LOCAL)] == [1, 2]


def test_a_guest_on_a_shared_server_is_told_their_work_stays_in_the_tab_and_nothing_is_written(data_home):
    app = opened("pages/hello_world.py")  # AppTest has no address: a shared server, and nobody signed in
    assert len(lesson_runs(app, course.HELLO_WORLD)) == 1
    assert "guest" in sidebar_text(app)
    assert not (data_home / progress.APP_FOLDER).exists()


def test_a_database_that_cannot_be_used_costs_a_line_and_loses_nothing(tmp_path, monkeypatch, own_machine):
    damaged = tmp_path / "progress.db"
    damaged.write_bytes(os.urandom(4096))
    before = damaged.read_bytes()
    monkeypatch.setenv("PROGRESS_DATABASE_URL", f"sqlite:///{damaged}")
    settings.forget()
    app = opened("pages/hello_world.py")
    assert len(lesson_runs(app, course.HELLO_WORLD)) == 1  # the lesson goes on, and its run stays in the tab
    said = sidebar_text(app)
    assert "not saved yet" in said and "Traceback" not in said
    assert damaged.read_bytes() == before  # left as it was


def saved_class(url: str) -> tuple[progress.ProgressStore, str]:
    """Two learners' progress, as their sessions wrote it; returns the store and a certificate's id."""
    store = store_at(url)
    amira, bo = progress.Learner("oidc:issuer|amira", "Amira", "amira@school.example"), progress.Learner(LOCAL, "Bo")
    run = run_history.RunRecord("computer_vision", 1, {"epochs": 5}, (0.5, 0.3), 2.0, {"test accuracy": 0.87})
    store.save_run(amira, "run-1", run)
    exercise = exercises.assignment("week1_house_prices", 1, "hello_world")
    grade = exercises.grade(exercise, [exercises.Check("predictions", True, "4.0")], {"epochs": 500})
    store.save_attempt(amira, "attempt-1", grade)
    payload = exercises.certificate_json([grade], "Amira", certificate_id="c0ffee")
    store.save_certificate(amira, "c0ffee", payload)
    store.save_run(bo, "run-2", run_history.RunRecord("hello_world", 1, {}, (1.0,), 0.1))
    return store, "c0ffee"


def test_a_teacher_sees_the_class_finds_a_learner_and_checks_a_certificate(data_home, own_machine, monkeypatch):
    monkeypatch.setenv("TEACHERS", LOCAL)
    settings.forget()
    _, certificate_id = saved_class(progress.default_url())
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    app.run()
    app.switch_page("pages/teacher.py").run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert sorted(table["learner"]) == ["Amira", "Bo"]
    amira = table[table["learner"] == "Amira"].iloc[0]
    assert (amira["exercises passed"], amira["best, lesson 2"], amira["runs"], amira["week 1"]) == (
        1,
        0.87,
        1,
        "passed",
    )
    app.text_input[0].set_value("amira@").run()
    assert list(app.dataframe[0].value["learner"]) == ["Amira"]
    app.text_input[1].set_value(certificate_id).run()
    assert "Issued on this server to Amira" in app.success[0].value
    assert any("Week 1 · House prices: passed" in element.value.replace("\\", "") for element in app.markdown)
    app.text_input[1].set_value("deadbeef").run()
    assert "No certificate with the id deadbeef" in app.warning[0].value
    assert len(app.get("plotly_chart")) == 1


def test_the_class_page_is_for_teachers_only(data_home, own_machine):
    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S)
    app.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in a learner's navigation
        app.switch_page("pages/teacher.py")
    by_hand = AppTest.from_file(str(REPOSITORY / "pages" / "teacher.py"), default_timeout=TIMEOUT_S).run()
    assert not by_hand.exception and "for the server's teachers" in by_hand.info[0].value
    assert not by_hand.dataframe


def test_forget_my_saved_work_deletes_this_learners_rows_only(data_home, own_machine):
    store, _ = saved_class(progress.default_url())  # Amira's and this machine's learner's
    app = opened("pages/hello_world.py")  # and one more run of this machine's learner
    assert len(store.runs(LOCAL)) == 2
    app.sidebar.button(key=session.FORGET_KEY).click().run()
    assert not app.exception, app.exception
    assert "Deleted: 2 saved runs" in app.sidebar.success[0].value
    assert store.runs(LOCAL) == [] and len(store.runs("oidc:issuer|amira")) == 1
    # The tab still shows what it showed: the run it brought back when it opened, and the one it trained.
    assert [run.number for run in lesson_runs(app, course.HELLO_WORLD)] == [1, 2]


def test_a_new_tab_brings_back_the_learners_runs_record_and_certificate(data_home, own_machine):
    """What a reload, a restart or the next day does: a new session of the same learner finds each
    lesson's saved runs in its history (with a line saying their models were not kept), the passed
    exercise in the course map's record, and the certificate under the id the database keeps."""
    store = store_at(progress.default_url())
    learner = progress.Learner(LOCAL, "Bo")
    for number, loss in ((1, (0.9, 0.5)), (2, (0.8, 0.4))):
        run = run_history.RunRecord("computer_vision", number, {"epochs": 2}, loss, 3.0, {"test accuracy": 0.8})
        store.save_run(learner, f"run-{number}", run)
    store.save_run(progress.Learner("oidc:issuer|amira", "Amira"), "theirs", run)  # another learner's: not shown
    exercise = exercises.assignment("week1_house_prices", 1, "hello_world")
    failed = exercises.grade(exercise, [exercises.Check("predictions", False, "400000")], {"epochs": 500})
    passed = exercises.grade(exercise, [exercises.Check("predictions", True, "4.0")], {"epochs": 500})
    store.save_attempt(learner, "attempt-1", failed)
    store.save_attempt(learner, "attempt-2", passed)
    store.save_certificate(learner, "c0ffee", exercises.certificate_json([passed], "Bo", certificate_id="c0ffee"))

    app = AppTest.from_file(str(REPOSITORY / "streamlit_app.py"), default_timeout=TIMEOUT_S).run()
    assert not app.exception, app.exception
    kept = session.of(app.session_state)
    assert kept.record["week1_house_prices"].passed
    assert any("Your record: passed week 1" in caption.value for caption in app.caption)
    assert kept.certificate is not None and kept.certificate.certificate_id == "c0ffee"
    assert kept.certificate_name == "Bo"
    app.switch_page("pages/computer_vision.py").run()
    assert not app.exception, app.exception
    runs = lesson_runs(app, course.COMPUTER_VISION)
    assert [(run.number, run.loss) for run in runs] == [(1, (0.9, 0.5)), (2, (0.8, 0.4))]
    assert any("Your 2 saved runs are back" in info.value for info in app.info)
    assert len(store.runs(LOCAL)) == 2 and len(store.certificates(LOCAL)) == 1  # nothing written twice

    app.button(key=session.clear_runs_key(course.COMPUTER_VISION.track)).click().run()
    assert lesson_runs(app, course.COMPUTER_VISION) == []
    assert store.runs(LOCAL) == [] and len(store.runs("oidc:issuer|amira")) == 1  # cleared here and saved
    assert len(store.attempts(LOCAL)) == 2  # the record is not a run history


def test_a_run_that_ends_while_the_database_is_locked_waits_in_the_tab_and_is_saved_once(
    data_home, own_machine, monkeypatch
):
    """The database stops answering between two runs (another program holds SQLite's write lock): the
    second run stays on the page with the sidebar's line that it is not saved yet, and is written, once,
    on the first rerun after the database answers again."""
    app = opened("pages/hello_world.py")  # the first run, saved
    database = data_home / progress.APP_FOLDER / progress.DATABASE_FILE
    store = store_at(progress.default_url())
    assert len(store.runs(LOCAL)) == 1
    monkeypatch.setattr(learner_progress, "FLUSH_RETRY_S", 0.0)  # every rerun tries again, not every 10 s
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        app.button(key="FormSubmitter:hw_settings-Train").click().run()
        assert not app.exception, app.exception
        assert [run.number for run in lesson_runs(app, course.HELLO_WORLD)] == [1, 2]  # on the page all the same
        assert "1 result is not saved yet" in sidebar_text(app)
        app.switch_page("pages/computer_vision.py").run()  # a lesson with no result yet ends in st.stop()
        assert not app.exception, app.exception
        assert "1 result is not saved yet" in sidebar_text(app)  # said there too
    finally:
        holder.execute("COMMIT")
        holder.close()
    app.run()
    assert "not saved yet" not in sidebar_text(app)
    app.run()
    assert [run.number for run in store.runs(LOCAL)] == [1, 2]  # written once
