"""The learner's progress store (`core.base.progress`) against real databases: a SQLite file and a
PostgreSQL server (tests/core/base/conftest.py), each test on both. What is written is read back
and compared with what was written; the teacher's views are checked against the same numbers
worked out in Python; failures are real ones (a locked file, a stopped server, random bytes)."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.base import course, exercises, language, progress, settings
from core.base.history import Outcome
from core.base.runs import RunRecord
from tests.core.base.conftest import free_port, new_database

KOREAN = language.words("ko")
ALICE = progress.Learner("local:alice", "Alice", "alice@school.example")
BOB = progress.Learner("oidc:https://id.school.example|1234", "Bob")
NOON = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """A new, empty database: a SQLite file, or a database on the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'progress.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(url) -> Iterator[sa.Engine]:
    engine = progress.engine_for(url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine) -> progress.ProgressStore:
    return progress.open_store(engine)


def new_id() -> str:
    return str(uuid.uuid4())


def run(number: int, lesson: str = "computer_vision", accuracy: float = 0.8, **changes) -> RunRecord:
    values: dict = {
        "lesson": lesson,
        "number": number,
        "settings": {"epochs": 3, "hidden_units": "128×64", "stop": "accuracy ≥ 0.9", "learning_rate": 0.001},
        "loss": (1.25, 0.5, 0.3125),
        "seconds": 2.5,
        "results": {"test accuracy": accuracy, "parameters": 101770},
        "accuracy": (0.5, 0.75, accuracy),
        "outcome": Outcome.STOPPED_AT_TARGET,
        "data_set": "Fashion-MNIST",
    }
    return RunRecord(**(values | changes))


def callback_grade(target: float = 0.98, week: int = 2) -> exercises.Grade:
    """A grade whose checks are written with messages (said in any language), as the lessons grade."""
    exercise = exercises.Exercise(f"week{week}_stop_at_98", week, "Stop at 98%", "Write the callback", "≥ 98%")
    rule = exercises.CallbackRule("accuracy", ">=", target)
    checks = exercises.callback_checks(rule, stops_at=[0.98, 0.99], keeps_going_at=[0.5])
    return exercises.grade(exercise, checks, {"epochs": 10, "rule": str(rule)}, data="MNIST")


GRADE = callback_grade()
WEEK_2 = GRADE.exercise.key


def statements(engine: sa.Engine) -> list[str]:
    """Every SQL statement the engine sends from now on, appended as it goes."""
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *arguments: sent.append(arguments[2]))
    return sent


# -- what is kept ------------------------------------------------------------------------------


def test_runs_are_read_back_as_written_by_number_and_only_by_their_learner(store):
    written = [run(2, accuracy=0.9), run(1), run(1, lesson="hello_world", results={"prediction at x=7": 3.99})]
    for record in written:
        assert store.save_run(ALICE, new_id(), record, NOON) is True
    store.save_run(BOB, new_id(), run(1, accuracy=0.5), NOON)
    assert store.runs(ALICE.id) == sorted(written, key=lambda record: record.number)
    assert store.runs(ALICE.id, lesson="computer_vision") == [written[1], written[0]]
    assert store.runs(BOB.id) == [run(1, accuracy=0.5)]
    assert store.runs("local:nobody") == []
    assert isinstance(store.runs(ALICE.id)[0].outcome, Outcome)


def test_the_same_run_attempt_or_certificate_written_twice_is_kept_once(store):
    run_id, attempt_id, certificate_id = new_id(), new_id(), new_id()
    grade = callback_grade()
    payload = exercises.certificate_json([grade], ALICE.name)
    assert store.save_run(ALICE, run_id, run(1)) is True
    assert store.save_run(ALICE, run_id, run(1)) is False
    assert store.save_attempt(ALICE, attempt_id, grade) is True
    assert store.save_attempt(ALICE, attempt_id, grade) is False
    assert store.save_certificate(ALICE, certificate_id, payload) is True
    assert store.save_certificate(ALICE, certificate_id, payload) is False
    assert len(store.runs(ALICE.id)) == len(store.attempts(ALICE.id)) == len(store.certificates(ALICE.id)) == 1


def test_writers_racing_for_a_new_learner_keep_every_run_once_and_the_learner_once(store):
    """Eight sessions of one new learner write at once, each run twice: the first writes of the learner
    collide on its primary key, and the losers try again."""
    run_ids = [new_id() for _ in range(16)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        written = list(pool.map(lambda index: store.save_run(ALICE, run_ids[index % 16], run(index % 16)), range(32)))
    assert sum(written) == 16
    assert [record.number for record in store.runs(ALICE.id)] == list(range(16))
    assert [learner.runs for learner in store.class_overview()] == [16]


def test_a_grade_survives_the_round_trip_whole_and_is_still_said_in_korean(store):
    grade = callback_grade(target=0.99)  # stops at 0.98 fails: a check with a hint
    assert json.loads(json.dumps(progress.grade_json(grade))) == progress.grade_json(grade)
    assert progress.grade_from_json(json.loads(json.dumps(progress.grade_json(grade)))) == grade
    attempt_id = new_id()
    store.save_attempt(ALICE, attempt_id, grade)
    [kept] = store.attempts(ALICE.id)
    assert kept.grade == grade and not kept.grade.passed
    assert (kept.attempt_id, kept.learner_id) == (attempt_id, ALICE.id)
    assert kept.attempted_at == datetime.datetime.fromisoformat(grade.graded_at)
    assert [check.said(KOREAN) for check in kept.grade.checks] == [check.said(KOREAN) for check in grade.checks]
    assert store.attempts(ALICE.id, exercise="week2_stop_at_98") == [kept]
    assert store.attempts(ALICE.id, exercise="another") == [] and store.attempts(BOB.id) == []


def test_a_certificate_is_found_by_its_id_for_the_teacher(store):
    payload = exercises.certificate_json([callback_grade()], "앨리스", words=KOREAN)
    certificate_id = new_id()
    store.save_certificate(ALICE, certificate_id, payload, NOON)
    found = store.certificate(certificate_id)
    assert found == progress.Certificate(certificate_id, ALICE.id, NOON, json.loads(payload))
    assert found.payload["learner"] == "앨리스"
    assert store.certificate(new_id()) is None
    assert store.certificates(ALICE.id) == [found] and store.certificates(BOB.id) == []
    with pytest.raises(ValueError):
        store.save_certificate(ALICE, new_id(), b"[1, 2]")


def test_forget_deletes_everything_of_one_learner_and_nothing_of_another(store):
    for learner in (ALICE, BOB):
        store.save_run(learner, new_id(), run(1))
        store.save_run(learner, new_id(), run(2))
        store.save_attempt(learner, new_id(), callback_grade())
        store.save_certificate(learner, new_id(), exercises.certificate_json([]))
    assert store.forget(ALICE.id) == 4
    assert store.runs(ALICE.id) == [] and store.attempts(ALICE.id) == [] and store.certificates(ALICE.id) == []
    assert [learner.learner_id for learner in store.class_overview()] == [BOB.id]
    assert len(store.runs(BOB.id)) == 2 and len(store.attempts(BOB.id)) == 1 and len(store.certificates(BOB.id)) == 1
    assert store.forget(ALICE.id) == 0


def test_a_learner_is_kept_as_the_sign_in_last_named_them(store):
    store.save_run(ALICE, new_id(), run(1))
    store.save_run(progress.Learner(ALICE.id, "Alice Kim", "alice@school.example"), new_id(), run(2))
    [alice] = store.class_overview()
    assert (alice.name, alice.email, alice.runs) == ("Alice Kim", "alice@school.example", 2)


def test_the_headline_score_is_test_then_validation_then_training_accuracy():
    def scored(results: dict, accuracy: tuple[float, ...]) -> float | None:
        return progress.headline_score(dataclasses.replace(run(1), results=results, accuracy=accuracy))

    assert scored({"test accuracy": 0.8, "validation accuracy": 0.9}, (0.95,)) == 0.8
    assert scored({"validation accuracy": 0.7}, (0.9,)) == 0.7
    assert scored({}, (0.5, 0.6)) == 0.6
    assert scored({"prediction at x=7": 4.0}, ()) is None
    assert scored({"test accuracy": float("nan")}, (float("nan"),)) is None


# -- the schema and its versions ---------------------------------------------------------------


def columns(engine: sa.Engine) -> dict[str, set[tuple[str, bool]]]:
    inspector = sa.inspect(engine)
    return {
        table: {(column["name"], column["nullable"]) for column in inspector.get_columns(table)}
        for table in inspector.get_table_names()
    }


def version_of(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT version FROM schema_version")).scalar_one()


def test_a_new_database_gets_the_current_schema_as_the_code_describes_it(store, engine):
    assert version_of(engine) == progress.SCHEMA_VERSION == 3
    described = {
        table.name: {(column.name, bool(column.nullable)) for column in table.columns}
        for table in (progress.VERSION, progress.LEARNERS, progress.RUNS, progress.ATTEMPTS, progress.CERTIFICATES)
    }
    assert columns(engine) == described
    sent = statements(engine)
    progress.open_store(engine)  # opened again: read, not written
    assert all(statement.lstrip().upper().startswith("SELECT") for statement in sent), sent


def test_two_servers_opening_a_new_database_at_once_make_its_schema_once(url):
    """The schema is made under a lock and the version read again inside it, so the second server
    finds the first one's schema instead of making it twice."""
    engines = [progress.engine_for(url) for _ in range(4)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(progress.open_store, engines))
    stores[0].save_run(ALICE, new_id(), run(1))
    assert [len(store.runs(ALICE.id)) for store in stores] == [1] * 4
    with engines[0].connect() as connection:
        assert connection.execute(sa.text("SELECT version FROM schema_version")).scalars().all() == [3]
    for engine in engines:
        engine.dispose()


def write_version_1(engine: sa.Engine) -> None:
    """A database as version 1 of the dashboard left it: its schema and some rows of two learners."""
    with engine.begin() as connection:
        for statement in progress.VERSION_1:
            connection.exec_driver_sql(statement)
        for learner in ("local:alice", "local:bob"):
            connection.execute(
                sa.text("INSERT INTO learners VALUES (:id, :name, '', '2026-11-01T09:00:00.000000+00:00')"),
                {"id": learner, "name": learner.removeprefix("local:").title()},
            )
        insert_run = sa.text(
            "INSERT INTO runs VALUES (:run_id, :learner, :lesson, :number, :settings, '[1.0, 0.5]', :accuracy,"
            " :results, 1.5, 'finished', :finished)"
        )
        connection.execute(
            insert_run,
            [
                {
                    "run_id": f"run-{learner}-{number}",
                    "learner": learner,
                    "lesson": "convolutions",
                    "number": number,
                    "settings": json.dumps({"filters": 32 * number}),
                    "accuracy": json.dumps([0.6, 0.7 + number / 100]),
                    "results": json.dumps({"validation accuracy": 0.6 + number / 10} if number < 3 else {}),
                    "finished": f"2026-11-0{number}T10:00:00.000000+00:00",
                }
                for learner in ("local:alice", "local:bob")
                for number in (1, 2, 3)
            ],
        )
        grade = progress.grade_json(GRADE)
        connection.execute(
            sa.text(
                "INSERT INTO attempts VALUES (:id, 'local:alice', 'week2_stop_at_98', 'computer_vision', :passed,"
                " 3, 3, :grade, '2026-11-05T10:00:00.000000+00:00')"
            ),
            {"id": "attempt-1", "passed": True, "grade": json.dumps(grade)},
        )


def test_a_version_1_database_is_migrated_to_the_current_version_with_every_row(engine):
    write_version_1(engine)
    store = progress.open_store(engine)
    assert version_of(engine) == 3
    for learner in ("local:alice", "local:bob"):
        kept = store.runs(learner)
        assert [(record.number, record.settings, record.data_set) for record in kept] == [
            (1, {"filters": 32}, ""),
            (2, {"filters": 64}, ""),
            (3, {"filters": 96}, ""),
        ]
        assert all(record.loss == (1.0, 0.5) and record.outcome is Outcome.FINISHED for record in kept)
        assert all(record.link == {} for record in kept)  # runs kept before their links: set by hand
    [attempt] = store.attempts("local:alice")
    assert attempt.grade == GRADE and attempt.attempt_id == "attempt-1"
    # The scores the migration worked out from the kept results: validation accuracy, else training.
    overview = {learner.learner_id: learner for learner in store.class_overview()}
    assert overview["local:alice"].best_score == {"convolutions": pytest.approx(0.8)}
    with engine.connect() as connection:
        scores = connection.execute(sa.text("SELECT run_id, score FROM runs ORDER BY run_id")).all()
    assert [score for _, score in scores] == pytest.approx([0.7, 0.8, 0.73] * 2)
    # A migrated database and a new one have the same schema.
    assert columns(engine) == {
        table.name: {(column.name, bool(column.nullable)) for column in table.columns}
        for table in progress._METADATA.sorted_tables
    }
    store.save_certificate(ALICE, new_id(), exercises.certificate_json([]))  # the new table is there


def test_a_version_2_database_keeps_its_runs_and_its_new_runs_keep_their_links(engine):
    """Version 3 adds each run's link (the address parameters it was trained with)."""
    write_version_1(engine)
    with engine.begin() as connection:
        progress.MIGRATIONS[1](connection)
        connection.execute(sa.text("UPDATE schema_version SET version = 2"))
    store = progress.open_store(engine)
    assert version_of(engine) == 3
    assert [record.link for record in store.runs("local:alice")] == [{}, {}, {}]
    linked = dataclasses.replace(run(4), link={"cnn_epochs": "3", "cnn_seed": "42"})
    store.save_run(ALICE, new_id(), linked)
    assert store.runs(ALICE.id)[-1].link == {"cnn_epochs": "3", "cnn_seed": "42"}


def test_a_migration_that_fails_changes_nothing(engine):
    """Migrations run in one transaction: the step that fails (a table in the way of version 2's)
    takes the steps before it (runs' new columns) back with it."""
    write_version_1(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE certificates (in_the_way INTEGER)")
    before = columns(engine)
    with pytest.raises(progress.DatabaseRefused) as refused:
        progress.open_store(engine)
    assert refused.value.message.key == "base.messages.progress.migration_failed"
    assert "from schema version 1 to 3 failed" in str(refused.value)
    assert columns(engine) == before and version_of(engine) == 1


def sqlite_file(tmp_path: Path) -> tuple[Path, sa.Engine]:
    path = tmp_path / "progress.db"
    return path, progress.engine_for(f"sqlite:///{path}")


def test_a_newer_schema_is_refused_and_the_file_left_byte_for_byte(tmp_path):
    path, engine = sqlite_file(tmp_path)
    progress.open_store(engine).save_run(ALICE, new_id(), run(1))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(progress.DatabaseRefused) as refused:
        progress.open_store(engine)
    engine.dispose()
    assert path.read_bytes() == before
    assert refused.value.message.key == "base.messages.progress.newer"
    assert "schema is version 99; this version reads up to 3" in str(refused.value)
    assert "99" in KOREAN.say(refused.value.message) and KOREAN.say(refused.value.message) != str(refused.value)


def test_a_newer_schema_on_postgresql_is_refused_and_left_as_it_was(postgres_url):
    engine = progress.engine_for(postgres_url)
    progress.open_store(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE schema_version SET version = 99"))
    before = columns(engine)
    with pytest.raises(progress.DatabaseRefused, match="newer version"):
        progress.open_store(engine)
    assert version_of(engine) == 99 and columns(engine) == before
    engine.dispose()


def test_random_bytes_are_not_a_database_and_are_left_as_they_were(tmp_path):
    path, engine = sqlite_file(tmp_path)
    noise = os.urandom(8192)
    path.write_bytes(noise)
    with pytest.raises(progress.DatabaseRefused) as refused:
        progress.open_store(engine)
    engine.dispose()
    assert path.read_bytes() == noise
    assert refused.value.message.key == "base.messages.progress.not_a_database"
    assert str(path) in str(refused.value) and "not a database" in str(refused.value)


def test_tables_of_something_else_are_refused_and_left_alone(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE runs (id INTEGER)")
    with pytest.raises(progress.DatabaseRefused, match="no schema version"):
        progress.open_store(engine)
    assert columns(engine) == {"runs": {("id", True)}}


@pytest.mark.parametrize("address", ["not a database address", "nosuchdatabase://somewhere/progress"])
def test_an_address_that_is_no_database_is_refused_in_words(address):
    with pytest.raises(progress.DatabaseRefused) as refused:
        progress.engine_for(address)
    assert refused.value.message.key == "base.messages.progress.bad_url"
    assert "PROGRESS_DATABASE_URL" in KOREAN.say(refused.value.message)


def test_a_sqlite_file_whose_folder_cannot_be_made_is_away_in_words(tmp_path):
    (tmp_path / "a file").write_text("not a folder")
    engine = progress.engine_for(f"sqlite:///{tmp_path / 'a file' / 'progress.db'}")
    with pytest.raises(progress.DatabaseAway) as away:
        progress.open_store(engine)
    assert away.value.message.key == "base.messages.progress.away" and "a file" in str(away.value)
    assert (tmp_path / "a file").read_text() == "not a folder"


def test_a_server_that_is_not_there_is_away_and_its_password_is_not_said():
    port = free_port()
    engine = progress.engine_for(f"postgresql+psycopg://learner:secret@127.0.0.1:{port}/progress")
    with pytest.raises(progress.DatabaseAway) as away:
        progress.open_store(engine)
    assert away.value.message.key == "base.messages.progress.away"
    assert "secret" not in str(away.value) and f"127.0.0.1:{port}" in str(away.value)


# -- the teacher's views -----------------------------------------------------------------------


def fill_class(store: progress.ProgressStore, learners: int) -> dict[str, dict]:
    """A class of learners, each a little further than the one before; returns, per learner, what the
    overview must say, worked out here from what was written."""
    expected = {}
    for index in range(learners):
        learner = progress.Learner(f"local:learner{index:02d}", f"Learner {index:02d}", f"l{index}@school.example")
        lessons = course.LESSONS[: 1 + index % len(course.LESSONS)]
        best: dict[str, float] = {}
        count = 0
        for lesson in lessons:
            for number in (1, 2):
                accuracy = round(0.5 + index / 100 + number / 10, 4)
                finished = NOON + datetime.timedelta(minutes=index, seconds=number)
                store.save_run(learner, new_id(), run(number, lesson=lesson.key, accuracy=accuracy), finished)
                best[lesson.key] = max(best.get(lesson.key, 0.0), accuracy)
                count += 1
        standings = {}
        last = NOON + datetime.timedelta(minutes=index, seconds=2)
        if index % 3:  # two of every three tried week 2 and failed once (2 of 3 checks); one of them then passed
            store.save_attempt(learner, new_id(), callback_grade(target=0.99), NOON)
            passed = index % 3 == 2
            if passed:
                last = NOON + datetime.timedelta(hours=1)
                store.save_attempt(learner, new_id(), callback_grade(), last)
            standings[WEEK_2] = progress.ExerciseStanding(passed, 1.0 if passed else 2 / 3, 1 + passed)
        expected[learner.id] = {"runs": count, "best": best, "exercises": standings, "last": last, "lessons": lessons}
    return expected


def test_the_class_overview_is_one_statement_and_says_what_each_learner_did(store, engine):
    expected = fill_class(store, 30)
    sent = statements(engine)
    overview = store.class_overview()
    assert len(sent) == 1, sent
    assert [learner.learner_id for learner in overview] == sorted(expected)
    for learner in overview:
        wanted = expected[learner.learner_id]
        assert learner.runs == wanted["runs"]
        assert learner.best_score == pytest.approx(wanted["best"])
        assert learner.exercises.keys() == wanted["exercises"].keys()
        for key, standing in wanted["exercises"].items():
            assert learner.exercises[key].passed == standing.passed
            assert learner.exercises[key].attempts == standing.attempts
            assert learner.exercises[key].best_score == pytest.approx(standing.best_score)
        assert learner.passed == tuple(key for key, standing in wanted["exercises"].items() if standing.passed)
        assert learner.last_active == wanted["last"]


def test_the_class_through_the_lessons_is_one_statement(store, engine):
    expected = fill_class(store, 30)
    sent = statements(engine)
    through = store.lesson_progress()
    assert len(sent) == 1, sent
    assert [lesson.lesson for lesson in through] == [lesson.key for lesson in course.LESSONS]
    for lesson in through:
        trained = sum(any(kept.key == lesson.lesson for kept in wanted["lessons"]) for wanted in expected.values())
        passed = sum(
            lesson.lesson == "computer_vision" and bool(wanted["exercises"]) and wanted["exercises"][WEEK_2].passed
            for wanted in expected.values()
        )
        assert (lesson.learners, lesson.with_runs, lesson.passed_exercise) == (30, trained, passed)


def test_an_empty_class(store):
    assert store.class_overview() == []
    assert [lesson.learners for lesson in store.lesson_progress()] == [0] * len(course.LESSONS)


# -- a database that goes away -----------------------------------------------------------------


def test_writes_wait_while_a_sqlite_file_is_locked_and_are_kept_once_when_it_is_free(tmp_path):
    path = tmp_path / "progress.db"
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.2})
    store = progress.open_store(engine)
    pending = progress.PendingWrites()
    first = progress.run_write(ALICE, new_id(), run(1))
    assert pending.save(store, first) is True and pending.notice() is None

    holder = sqlite3.connect(path, isolation_level=None)  # another process's writer, holding the file
    holder.execute("BEGIN EXCLUSIVE")
    second = progress.run_write(ALICE, new_id(), run(2))
    attempt = progress.attempt_write(ALICE, new_id(), callback_grade())
    assert pending.save(store, second) is False and pending.save(store, attempt) is False
    assert pending.writes == [second, attempt]
    assert pending.notice() == language.Message("base.messages.progress.pending_many", {"count": 2})
    assert pending.flush(store) == 2  # still locked: still waiting, in order

    holder.execute("COMMIT")
    holder.close()
    assert pending.flush(store) == 0 and pending.notice() is None
    pending.writes = [second, attempt]  # as if an answer had been lost after the write went through
    assert pending.flush(store) == 0
    assert store.runs(ALICE.id) == [run(1), run(2)] and len(store.attempts(ALICE.id)) == 1
    [kept] = store.attempts(ALICE.id)
    assert kept.attempted_at == attempt.attempted_at  # the time it was graded, not the time it was saved
    engine.dispose()


def test_writes_wait_while_postgresql_is_stopped_and_are_kept_once_when_it_is_back(stoppable_postgres):
    with new_database(stoppable_postgres.url) as url:
        engine = progress.engine_for(url)
        store = progress.open_store(engine)
        pending = progress.PendingWrites()
        assert pending.save(store, progress.run_write(ALICE, new_id(), run(1))) is True

        stoppable_postgres.stop()
        waiting = [
            progress.run_write(ALICE, new_id(), run(2)),
            progress.attempt_write(ALICE, new_id(), callback_grade()),
        ]
        for write in waiting:
            assert pending.save(store, write) is False
        assert pending.writes == waiting and pending.flush(store) == 2
        with pytest.raises(progress.DatabaseAway):
            progress.open_store(engine)
        assert KOREAN.say(pending.notice()).startswith("결과 2개")

        stoppable_postgres.start()
        assert pending.flush(store) == 0
        pending.writes = list(waiting)  # written again: kept once
        assert pending.flush(store) == 0
        assert store.runs(ALICE.id) == [run(1), run(2)] and len(store.attempts(ALICE.id)) == 1
        engine.dispose()


def test_a_session_that_never_reaches_its_database_keeps_its_newest_writes():
    pending = progress.PendingWrites(limit=2)
    writes = [progress.run_write(ALICE, new_id(), run(number)) for number in (1, 2, 3)]
    for write in writes:
        assert pending.save(None, write) is False  # the store could not be opened
    assert pending.writes == writes[1:] and pending.dropped == 1
    assert pending.notice() == language.Message("base.messages.progress.pending_many", {"count": 2})


# -- where it is kept, and who is a teacher ----------------------------------------------------


def test_the_default_is_a_sqlite_file_in_the_data_folder_made_on_first_use(tmp_path, monkeypatch):
    data_home = tmp_path / "xdg"
    chosen = settings.ServerSettings.from_environment({"XDG_DATA_HOME": str(data_home)})
    url = progress.default_url(chosen)
    assert sa.make_url(url).database == str(data_home / "tf-first-steps" / "progress.db")
    assert progress.database_url(chosen) == url
    engine = progress.engine_for(url)
    progress.open_store(engine).save_run(ALICE, new_id(), run(1))
    engine.dispose()
    assert (data_home / "tf-first-steps" / "progress.db").is_file()

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    unset = sa.make_url(progress.default_url(settings.ServerSettings())).database
    assert unset == str(tmp_path / "home" / ".local" / "share" / "tf-first-steps" / "progress.db")
    school = settings.ServerSettings(progress_database_url="postgresql+psycopg://course@db.school/progress")
    assert progress.database_url(school) == "postgresql+psycopg://course@db.school/progress"


def test_teachers_are_named_by_account_id_or_email():
    teachers = settings.ServerSettings.from_environment({"TEACHERS": "Teacher@School.example, local:carol"})
    assert progress.is_teacher(progress.Learner("oidc:x|1", "T", "teacher@school.example"), teachers)
    assert progress.is_teacher(progress.Learner("local:carol", "Carol"), teachers)
    assert not progress.is_teacher(ALICE, teachers)
    assert not progress.is_teacher(progress.Learner("local:dave", "Dave", ""), settings.ServerSettings(teachers=("",)))
