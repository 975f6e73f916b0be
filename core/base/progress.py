"""The learner's progress, kept in a database: runs, graded attempts and certificates that outlive
the browser tab, and the teacher's view of the whole class (Step 15).

A session used to forget everything when its tab closed. Here each finished run, each graded
attempt and each certificate is written once, as it happens, to a SQL database through SQLAlchemy:
a SQLite file in the user's data folder by default (`default_url`), or the school's PostgreSQL
(`PROGRESS_DATABASE_URL`). The pages open it with `st.connection("progress", type="sql")` and hand
its engine to `open_store`, which checks the schema's version and brings an older database up to
date in one transaction. Every read names the learner it reads for; only the teacher's two views
(`class_overview`, `lesson_progress`) read across learners, one SQL statement each.

A database that is away must never cost the learner the page: `PendingWrites` keeps the writes
that failed in the learner's session and `flush` retries them. Writes are idempotent (the caller
names each run, attempt and certificate with a uuid, which is the primary key), so a retried write
is never kept twice. Times are kept as ISO 8601 text in UTC, which sorts as time does in both
databases; histories, settings and grades as JSON text. Weights are not kept.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy import exc

from core.base import course, exercises, language, settings
from core.base.history import Outcome
from core.base.runs import RunRecord

APP_FOLDER = "tf-first-steps"  # the data folder's sub-folder, as XDG asks
DATABASE_FILE = "progress.db"
SCHEMA_VERSION = 3  # the schema this code reads and writes
_SAID = "base.messages.progress."
_TABLES = ("schema_version", "learners", "runs", "attempts", "certificates")

# The first schema, as it was created: kept to replay a database's history (a new database is
# made by it and then migrated, so a new and a migrated database cannot differ) and to test the
# migration from it. Plain SQL that SQLite and PostgreSQL both read; a text primary key says NOT NULL,
# which SQLite would not enforce otherwise.
VERSION_1 = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE learners (learner_id VARCHAR(400) NOT NULL PRIMARY KEY, name VARCHAR(400) NOT NULL,"
    " email VARCHAR(400) NOT NULL, first_seen VARCHAR(40) NOT NULL)",
    "CREATE TABLE runs (run_id VARCHAR(64) NOT NULL PRIMARY KEY, learner_id VARCHAR(400) NOT NULL,"
    " lesson VARCHAR(64) NOT NULL, number INTEGER NOT NULL, settings TEXT NOT NULL, loss TEXT NOT NULL,"
    " accuracy TEXT NOT NULL, results TEXT NOT NULL, seconds DOUBLE PRECISION NOT NULL,"
    " outcome VARCHAR(40) NOT NULL, finished_at VARCHAR(40) NOT NULL)",
    "CREATE INDEX runs_by_learner ON runs (learner_id, lesson, number)",
    "CREATE TABLE attempts (attempt_id VARCHAR(64) NOT NULL PRIMARY KEY, learner_id VARCHAR(400) NOT NULL,"
    " exercise VARCHAR(64) NOT NULL, lesson VARCHAR(64) NOT NULL, passed BOOLEAN NOT NULL,"
    " checks_passed INTEGER NOT NULL, checks INTEGER NOT NULL, grade TEXT NOT NULL,"
    " attempted_at VARCHAR(40) NOT NULL)",
    "CREATE INDEX attempts_by_learner ON attempts (learner_id, exercise)",
    "INSERT INTO schema_version (version) VALUES (1)",
)

# Version 2: a run keeps what it trained on (`data_set`) and its headline score, so the teacher's
# overview finds a lesson's best run in SQL; the downloaded certificates are kept, so a teacher
# can check one by its id.
_VERSION_2_DDL = (
    "ALTER TABLE runs ADD COLUMN data_set VARCHAR(200) NOT NULL DEFAULT ''",
    "ALTER TABLE runs ADD COLUMN score DOUBLE PRECISION",
    "CREATE TABLE certificates (certificate_id VARCHAR(64) NOT NULL PRIMARY KEY, learner_id VARCHAR(400) NOT NULL,"
    " issued_at VARCHAR(40) NOT NULL, payload TEXT NOT NULL)",
    "CREATE INDEX certificates_by_learner ON certificates (learner_id)",
)

# Version 3: a run keeps the address parameters it was trained with (Step 7's link), so that a run
# brought back after a reload, whose model was not kept, can be trained again from its settings.
_VERSION_3_DDL = ("ALTER TABLE runs ADD COLUMN link TEXT NOT NULL DEFAULT '{}'",)

# The current schema as SQLAlchemy reads and writes it (a test holds it to a database made above).
_METADATA = sa.MetaData()
VERSION = sa.Table("schema_version", _METADATA, sa.Column("version", sa.Integer, nullable=False))
LEARNERS = sa.Table(
    "learners",
    _METADATA,
    sa.Column("learner_id", sa.String(400), primary_key=True),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("email", sa.String(400), nullable=False),
    sa.Column("first_seen", sa.String(40), nullable=False),
)
RUNS = sa.Table(
    "runs",
    _METADATA,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("learner_id", sa.String(400), nullable=False),
    sa.Column("lesson", sa.String(64), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("loss", sa.Text, nullable=False),
    sa.Column("accuracy", sa.Text, nullable=False),
    sa.Column("results", sa.Text, nullable=False),
    sa.Column("seconds", sa.Double, nullable=False),
    sa.Column("outcome", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40), nullable=False),
    sa.Column("data_set", sa.String(200), nullable=False),
    sa.Column("score", sa.Double, nullable=True),
    sa.Column("link", sa.Text, nullable=False, server_default="{}"),
)
ATTEMPTS = sa.Table(
    "attempts",
    _METADATA,
    sa.Column("attempt_id", sa.String(64), primary_key=True),
    sa.Column("learner_id", sa.String(400), nullable=False),
    sa.Column("exercise", sa.String(64), nullable=False),
    sa.Column("lesson", sa.String(64), nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("checks_passed", sa.Integer, nullable=False),
    sa.Column("checks", sa.Integer, nullable=False),
    sa.Column("grade", sa.Text, nullable=False),
    sa.Column("attempted_at", sa.String(40), nullable=False),
)
CERTIFICATES = sa.Table(
    "certificates",
    _METADATA,
    sa.Column("certificate_id", sa.String(64), primary_key=True),
    sa.Column("learner_id", sa.String(400), nullable=False),
    sa.Column("issued_at", sa.String(40), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class Learner:
    """Who the progress belongs to, as the sign-in names them."""

    id: str  # stable account id: "local:alice", "oidc:https://issuer|sub"; never shown, never reused
    name: str  # as shown to the teacher
    email: str = ""  # where the sign-in gives one; `TEACHERS` may name a teacher by it


@dataclass(frozen=True)
class Attempt:
    """One graded attempt at an exercise, as kept."""

    attempt_id: str
    learner_id: str
    grade: exercises.Grade
    attempted_at: datetime.datetime  # UTC


@dataclass(frozen=True)
class SavedRun:
    """A run as kept, with when it ended."""

    record: RunRecord
    finished_at: datetime.datetime  # UTC


@dataclass(frozen=True)
class Certificate:
    """A certificate a learner downloaded, kept so a teacher can check it by its id."""

    certificate_id: str
    learner_id: str
    issued_at: datetime.datetime  # UTC
    payload: dict[str, object]  # the JSON of `exercises.certificate_json`


@dataclass(frozen=True)
class SavedWork:
    """Everything kept of one learner, read in one go when a tab of theirs opens: what a reload, a
    restart or the next day brings back to the pages."""

    runs: tuple[SavedRun, ...]  # by lesson, then number
    attempts: tuple[Attempt, ...]  # oldest first
    certificates: tuple[Certificate, ...]  # oldest first

    def runs_of(self, lesson: str, limit: int = 50) -> list[SavedRun]:
        """One lesson's runs, by number: its newest `limit`, as a lesson's history keeps at most."""
        return [run for run in self.runs if run.record.lesson == lesson][-limit:]

    def record(self) -> dict[str, exercises.Grade]:
        """The grade kept per exercise, as the session's record keeps it (`exercises.kept_grade`), in
        the order the exercises were first attempted."""
        record: dict[str, exercises.Grade] = {}
        for attempt in self.attempts:
            key = attempt.grade.exercise.key
            record[key] = exercises.kept_grade(record.get(key), attempt.grade)
        return record

    def certificate_for(self, passed: Sequence[exercises.Grade]) -> Certificate | None:
        """The newest certificate kept for exactly these passes (the same weeks graded at the same
        times), so that a reload offers the learner the certificate they have, under its id, rather
        than a new one; None when the passes have changed since."""
        wanted = sorted((grade.exercise.week, grade.graded_at) for grade in passed)
        for certificate in reversed(self.certificates):
            listed = certificate.payload.get("exercises")
            if not isinstance(listed, list):
                continue
            kept = sorted((entry.get("week"), entry.get("date")) for entry in listed if isinstance(entry, dict))
            if kept == wanted:
                return certificate
        return None


@dataclass(frozen=True)
class ExerciseStanding:
    """Where a learner stands on one exercise, for the teacher."""

    passed: bool  # any attempt passed
    best_score: float  # the best share of the grader's checks passed in one attempt, 0..1
    attempts: int


@dataclass(frozen=True)
class LearnerProgress:
    """One learner's row of the teacher's class overview."""

    learner_id: str
    name: str
    email: str
    runs: int  # across all lessons
    best_score: dict[str, float]  # lesson key -> its best run's headline score (`headline_score`)
    exercises: dict[str, ExerciseStanding]  # exercise key -> standing, for every exercise attempted
    last_active: datetime.datetime  # the newest run or attempt (when first seen, without any), UTC

    @property
    def passed(self) -> tuple[str, ...]:
        """The exercises passed, by key."""
        return tuple(sorted(key for key, standing in self.exercises.items() if standing.passed))


@dataclass(frozen=True)
class LessonProgress:
    """How far the class has come through one lesson, for the teacher's chart."""

    lesson: str  # the lesson's key
    learners: int  # everyone with any progress kept
    with_runs: int  # learners who trained at least one run of the lesson
    passed_exercise: int  # learners who passed the lesson's graded exercise


class DatabaseRefused(language.LearnerError):
    """The database cannot be used as it is (a newer schema, not a database, a wrong address); it was
    left untouched. Trying again will not help; the message says what will."""


class DatabaseAway(language.LearnerError):
    """The database cannot be reached just now; the page goes on, and writes wait (`PendingWrites`)."""


# -- where the progress is kept ----------------------------------------------------------------


def default_url(server_settings: settings.ServerSettings | None = None) -> str:
    """The SQLite file in the user's data folder ($XDG_DATA_HOME, else ~/.local/share): a laptop
    keeps its learner's progress where the desktop keeps application data."""
    data_home = (server_settings or settings.current()).data_home or Path.home() / ".local" / "share"
    return str(sa.URL.create("sqlite", database=str(data_home / APP_FOLDER / DATABASE_FILE)))


def shown_place(url: str) -> str:
    """Where a database address keeps its data, as a learner reads it: a SQLite file's path, or
    the address without its password."""
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def database_url(server_settings: settings.ServerSettings | None = None) -> str:
    """Where this server keeps progress: `PROGRESS_DATABASE_URL`, else `default_url`."""
    chosen = server_settings or settings.current()
    return chosen.progress_database_url or default_url(chosen)


def is_teacher(learner: Learner, server_settings: settings.ServerSettings | None = None) -> bool:
    """Whether `TEACHERS` names this account, by its id or its email (emails in any case)."""
    teachers = (server_settings or settings.current()).teachers
    email = learner.email.strip().lower()
    return learner.id in teachers or (bool(email) and email in {teacher.lower() for teacher in teachers})


def engine_for(url: str) -> sa.Engine:
    """An engine for `url`, or `DatabaseRefused` saying why the address cannot be one. Nothing is
    connected yet (`open_store` connects)."""
    try:
        return sa.create_engine(url)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
        raise DatabaseRefused(_SAID + "bad_url", reason=_reason(error)) from None


def open_store(engine: sa.Engine) -> ProgressStore:
    """The store on `engine`'s database: a new database gets the schema, an older one is migrated
    (in one transaction: all of it or nothing), a newer one is refused. Raises `DatabaseRefused`
    when the database cannot be used as it is (left untouched) and `DatabaseAway` when it cannot be
    reached; both say so in the learner's language."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        _make_sqlite_folder(engine.url)
        with engine.connect() as connection:  # reads only: a database that is up to date is not written
            found = _version(connection, where)
        if found != SCHEMA_VERSION:
            with _schema_transaction(engine) as connection:
                found = _version(connection, where)  # again, now that no one else can change it
                if found != SCHEMA_VERSION:
                    _migrate(connection, found, where)
    except (exc.OperationalError, OSError) as error:  # OSError: the SQLite file's folder cannot be made
        raise DatabaseAway(_SAID + "away", where=where, reason=_reason(error)) from None
    except exc.DatabaseError as error:  # "file is not a database", and the like
        raise DatabaseRefused(_SAID + "not_a_database", where=where, reason=_reason(error)) from None
    return ProgressStore(engine)


def _make_sqlite_folder(url: sa.URL) -> None:
    """A SQLite file's folder, made on first use: SQLite makes the file, not the folders above it."""
    file = url.database or ""
    if url.get_backend_name() == "sqlite" and file and file != ":memory:" and not file.startswith("file:"):
        Path(file).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _reason(error: BaseException) -> str:
    """The driver's own first line, which names the problem without the SQL or the password."""
    orig = getattr(error, "orig", None) or error
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def _version(connection: sa.Connection, where: str) -> int:
    """The schema version of the database; 0 for an empty one. A database with the store's tables but
    no version, or a version of a newer schema, is refused."""
    names = set(sa.inspect(connection).get_table_names())
    if "schema_version" not in names:
        if names & set(_TABLES):
            raise DatabaseRefused(_SAID + "not_ours", where=where)
        return 0
    found = connection.execute(sa.select(sa.func.max(VERSION.c.version))).scalar()
    if found is None:
        raise DatabaseRefused(_SAID + "not_ours", where=where)
    if found > SCHEMA_VERSION:
        raise DatabaseRefused(_SAID + "newer", where=where, found=found, supported=SCHEMA_VERSION)
    return int(found)


@contextmanager
def _schema_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One transaction that holds the schema for the writer alone. SQLite's Python driver would
    commit DDL as it goes, so the transaction is begun explicitly (BEGIN IMMEDIATE also takes the
    write lock); PostgreSQL runs DDL in transactions and a lock keeps two servers from migrating at
    once."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(1515)"))  # 1515: Step 15's lock
        yield connection


def _migrate(connection: sa.Connection, found: int, where: str) -> None:
    """From version `found` (0: an empty database) to `SCHEMA_VERSION`, every step in the caller's
    transaction."""
    try:
        for version in range(found, SCHEMA_VERSION):
            MIGRATIONS[version](connection)
            connection.execute(sa.update(VERSION).values(version=version + 1))
    except exc.DBAPIError as error:
        if error.connection_invalidated:
            raise  # the database went away: said as such
        raise DatabaseRefused(
            _SAID + "migration_failed", where=where, found=found, supported=SCHEMA_VERSION, reason=_reason(error)
        ) from None


def _create_version_1(connection: sa.Connection) -> None:
    for statement in VERSION_1:
        connection.exec_driver_sql(statement)


def _migrate_1_to_2(connection: sa.Connection) -> None:
    """Adds `runs.data_set` (unknown, "", for runs kept before) and `runs.score` (worked out from each
    run's kept results), and the certificates table. Every row stays."""
    for statement in _VERSION_2_DDL:
        connection.exec_driver_sql(statement)
    kept = connection.execute(sa.text("SELECT run_id, results, accuracy FROM runs")).all()
    scores = [
        {"run_id": run_id, "score": _score(json.loads(results), json.loads(accuracy))}
        for run_id, results, accuracy in kept
    ]
    if scores:
        connection.execute(sa.text("UPDATE runs SET score = :score WHERE run_id = :run_id"), scores)


def _migrate_2_to_3(connection: sa.Connection) -> None:
    """Adds `runs.link`: no parameters (`{}`) for runs kept before, which the page offers to set by hand."""
    for statement in _VERSION_3_DDL:
        connection.exec_driver_sql(statement)


MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {
    0: _create_version_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


# -- what is kept, as JSON ---------------------------------------------------------------------


def headline_score(record: RunRecord) -> float | None:
    """A run's score for the teacher: its test accuracy, else its validation accuracy, else its final
    training accuracy; None for a run that measures no accuracy (Lesson 1's line)."""
    return _score(record.results, record.accuracy)


def _score(results: Mapping[str, object], accuracy: Sequence[float]) -> float | None:
    for name in ("test accuracy", "validation accuracy"):
        value = results.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    final = accuracy[-1] if accuracy else None
    return float(final) if final is not None and math.isfinite(final) else None


def grade_json(grade: exercises.Grade) -> dict[str, object]:
    """A grade as JSON can hold it, whole: the exercise, every check with the messages that say it in
    any language, the settings, when and on what (`grade_from_json` reads it back)."""
    return {
        "exercise": dataclasses.asdict(grade.exercise),
        "checks": [
            {
                "name": check.name,
                "passed": check.passed,
                "measured": check.measured,
                "hint": check.hint,
                "name_said": _message_json(check.name_said),
                "measured_said": _message_json(check.measured_said),
                "hint_said": _message_json(check.hint_said),
            }
            for check in grade.checks
        ],
        "settings": {name: _plain(value) for name, value in grade.settings.items()},
        "graded_at": grade.graded_at,
        "data": grade.data,
    }


def grade_from_json(kept: Mapping[str, object]) -> exercises.Grade:
    """The grade `grade_json` kept."""
    exercise = kept["exercise"]
    checks = kept["checks"]
    kept_settings = kept["settings"]
    if not (isinstance(exercise, dict) and isinstance(checks, list) and isinstance(kept_settings, dict)):
        raise ValueError("A kept grade has an exercise, a list of checks and its settings.")
    return exercises.Grade(
        exercise=exercises.Exercise(**exercise),
        checks=tuple(
            exercises.Check(
                name=check["name"],
                passed=check["passed"],
                measured=check["measured"],
                hint=check["hint"],
                name_said=_message_from_json(check["name_said"]),
                measured_said=_message_from_json(check["measured_said"]),
                hint_said=_message_from_json(check["hint_said"]),
            )
            for check in checks
        ),
        settings=dict(kept_settings),
        graded_at=str(kept["graded_at"]),
        data=str(kept["data"]),
    )


def _message_json(message: language.Message | None) -> dict[str, object] | None:
    if message is None:
        return None
    values = {
        name: {"message": _message_json(value)} if isinstance(value, language.Message) else _plain(value)
        for name, value in message.values.items()
    }
    return {"key": message.key, "values": values}


def _message_from_json(kept: object) -> language.Message | None:
    if not isinstance(kept, dict):
        return None
    values = {
        name: _message_from_json(value["message"]) if isinstance(value, dict) and set(value) == {"message"} else value
        for name, value in kept["values"].items()
    }
    return language.Message(kept["key"], values)


def _plain(value: object) -> object:
    """A value as JSON holds it: NumPy's numbers as Python's, anything else unknown as its text."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(name): _plain(item) for name, item in value.items()}
    return str(value)


def _json(value: object) -> str:
    return json.dumps(_plain(value), ensure_ascii=False)


def _time_text(moment: datetime.datetime | None) -> str:
    """A moment as kept: ISO 8601 in UTC, microseconds always written, so text order is time order. A
    naive moment is taken to be UTC already."""
    moment = moment or datetime.datetime.now(datetime.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def _lesson_of(exercise: exercises.Exercise) -> str:
    """The lesson whose week the exercise ends (`course.LESSONS`), by key."""
    return next((lesson.key for lesson in course.LESSONS if lesson.number == exercise.week), "")


# -- the store ---------------------------------------------------------------------------------


class ProgressStore:
    """Every learner's progress in one database. Made by `open_store`, which checks the schema first.

    Writes are small transactions that return True when they wrote and False when the row was
    there already (the same run, attempt or certificate id). A database that fails raises
    SQLAlchemy's `DBAPIError` (`OperationalError` when it is away), which `PendingWrites` catches."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # writes

    def save_run(
        self, learner: Learner, run_id: str, record: RunRecord, finished_at: datetime.datetime | None = None
    ) -> bool:
        """Keeps a finished run under the caller's `run_id` (a uuid); its weights are not kept."""
        row = {
            "run_id": run_id,
            "learner_id": learner.id,
            "lesson": record.lesson,
            "number": record.number,
            "settings": _json(record.settings),
            "loss": _json(list(record.loss)),
            "accuracy": _json(list(record.accuracy)),
            "results": _json(record.results),
            "seconds": float(record.seconds),
            "outcome": Outcome(record.outcome).value,
            "finished_at": _time_text(finished_at),
            "data_set": record.data_set,
            "score": headline_score(record),
            "link": _json(record.link),
        }
        return self._insert_once(learner, RUNS, RUNS.c.run_id, row)

    def save_attempt(
        self, learner: Learner, attempt_id: str, grade: exercises.Grade, attempted_at: datetime.datetime | None = None
    ) -> bool:
        """Keeps a graded attempt under the caller's `attempt_id` (a uuid); its time is the grade's own
        unless one is given."""
        when = attempted_at or (_time(grade.graded_at) if grade.graded_at else None)
        row = {
            "attempt_id": attempt_id,
            "learner_id": learner.id,
            "exercise": grade.exercise.key,
            "lesson": _lesson_of(grade.exercise),
            "passed": grade.passed,
            "checks_passed": sum(check.passed for check in grade.checks),
            "checks": len(grade.checks),
            "grade": _json(grade_json(grade)),
            "attempted_at": _time_text(when),
        }
        return self._insert_once(learner, ATTEMPTS, ATTEMPTS.c.attempt_id, row)

    def save_certificate(
        self, learner: Learner, certificate_id: str, payload: bytes, issued_at: datetime.datetime | None = None
    ) -> bool:
        """Keeps a certificate the learner downloaded (`exercises.certificate_json`'s bytes) under its id."""
        kept = json.loads(payload)  # a certificate that is not JSON is a bug, refused before it is kept
        if not isinstance(kept, dict):
            raise ValueError("A certificate is a JSON object.")
        row = {
            "certificate_id": certificate_id,
            "learner_id": learner.id,
            "issued_at": _time_text(issued_at),
            "payload": _json(kept),
        }
        return self._insert_once(learner, CERTIFICATES, CERTIFICATES.c.certificate_id, row)

    def forget(self, learner_id: str) -> int:
        """Deletes everything kept of a learner, in one transaction; returns how many runs, attempts
        and certificates went (the learner's own row goes too, uncounted)."""
        with self.engine.begin() as connection:
            deleted = sum(
                connection.execute(sa.delete(table).where(table.c.learner_id == learner_id)).rowcount
                for table in (RUNS, ATTEMPTS, CERTIFICATES)
            )
            connection.execute(sa.delete(LEARNERS).where(LEARNERS.c.learner_id == learner_id))
        return deleted

    def _insert_once(self, learner: Learner, table: sa.Table, key: sa.Column, row: Mapping[str, object]) -> bool:
        """Inserts `row` unless its primary key is kept already, noting the learner in the same
        transaction. The check is the fast path; the primary key is the guard, so a writer that loses a
        race to another gets an IntegrityError, and trying again finds the row (or the learner) there."""
        for attempt in range(4):
            try:
                with self.engine.begin() as connection:
                    if connection.execute(sa.select(key).where(key == row[key.name])).first() is not None:
                        return False
                    _note_learner(connection, learner)
                    connection.execute(sa.insert(table).values(row))
                    return True
            except exc.IntegrityError:
                if attempt == 3:
                    raise
        return False  # not reached: the last attempt returns or raises

    # one learner's reads

    def runs(self, learner_id: str, lesson: str | None = None) -> list[RunRecord]:
        """A learner's runs (of one lesson, when named), by number."""
        with self.engine.connect() as connection:
            saved = _saved_runs(connection, learner_id, lesson)
        return sorted((run.record for run in saved), key=lambda record: record.number)  # by lesson within a number

    def attempts(self, learner_id: str, exercise: str | None = None) -> list[Attempt]:
        """A learner's graded attempts (at one exercise, when named), oldest first."""
        with self.engine.connect() as connection:
            return _attempts(connection, learner_id, exercise)

    def certificates(self, learner_id: str) -> list[Certificate]:
        """A learner's certificates, oldest first."""
        with self.engine.connect() as connection:
            return _certificates(connection, learner_id)

    def saved_work(self, learner_id: str) -> SavedWork:
        """Everything kept of a learner, read on one connection: what a new tab of theirs brings back."""
        with self.engine.connect() as connection:
            return SavedWork(
                tuple(_saved_runs(connection, learner_id, None)),
                tuple(_attempts(connection, learner_id, None)),
                tuple(_certificates(connection, learner_id)),
            )

    def forget_runs(self, learner_id: str, lesson: str) -> int:
        """Deletes a learner's kept runs of one lesson ("Clear run history"); returns how many went."""
        with self.engine.begin() as connection:
            query = sa.delete(RUNS).where(RUNS.c.learner_id == learner_id, RUNS.c.lesson == lesson)
            return connection.execute(query).rowcount

    def certificate(self, certificate_id: str) -> Certificate | None:
        """The certificate with this id, whoever holds it: how a teacher checks one shown to them."""
        query = sa.select(CERTIFICATES).where(CERTIFICATES.c.certificate_id == certificate_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _certificate(row)

    # the teacher's views, one statement each

    def class_overview(self) -> list[LearnerProgress]:
        """Every learner's standing, by name: runs, best score per lesson, exercises and when last
        active. One SQL statement: the learners, their runs per lesson and their attempts per
        exercise, aggregated by the database and stacked with UNION ALL."""
        text, number, real = sa.String, sa.Integer, sa.Double

        def null(kind: type[sa.types.TypeEngine]) -> sa.ColumnElement:
            return sa.cast(sa.null(), kind)

        passed = sa.case((ATTEMPTS.c.passed == sa.true(), 1), else_=0)
        share = sa.case((ATTEMPTS.c.checks > 0, sa.cast(ATTEMPTS.c.checks_passed, real) / ATTEMPTS.c.checks), else_=0.0)
        learners = sa.select(
            LEARNERS.c.learner_id,
            sa.literal("learner", text).label("kind"),
            null(text).label("key"),
            null(number).label("count"),
            null(number).label("passed"),
            null(real).label("best"),
            LEARNERS.c.first_seen.label("last"),
            LEARNERS.c.name,
            LEARNERS.c.email,
        )
        runs = sa.select(
            RUNS.c.learner_id,
            sa.literal("run", text),
            RUNS.c.lesson,
            sa.func.count(),
            null(number),
            sa.func.max(RUNS.c.score),
            sa.func.max(RUNS.c.finished_at),
            null(text),
            null(text),
        ).group_by(RUNS.c.learner_id, RUNS.c.lesson)
        attempts = sa.select(
            ATTEMPTS.c.learner_id,
            sa.literal("attempt", text),
            ATTEMPTS.c.exercise,
            sa.func.count(),
            sa.func.max(passed),
            sa.func.max(share),
            sa.func.max(ATTEMPTS.c.attempted_at),
            null(text),
            null(text),
        ).group_by(ATTEMPTS.c.learner_id, ATTEMPTS.c.exercise)
        with self.engine.connect() as connection:
            rows = connection.execute(sa.union_all(learners, runs, attempts)).all()
        return _overview(rows)

    def lesson_progress(self) -> list[LessonProgress]:
        """The class through the lessons, in the course's order: how many learners trained each lesson
        and passed its exercise, of how many there are. One SQL statement."""
        text = sa.String
        trained = sa.select(
            sa.literal("run", text).label("kind"),
            RUNS.c.lesson.label("lesson"),
            sa.func.count(sa.distinct(RUNS.c.learner_id)).label("learners"),
        ).group_by(RUNS.c.lesson)
        passed = (
            sa.select(sa.literal("passed", text), ATTEMPTS.c.lesson, sa.func.count(sa.distinct(ATTEMPTS.c.learner_id)))
            .where(ATTEMPTS.c.passed == sa.true())
            .group_by(ATTEMPTS.c.lesson)
        )
        everyone = sa.select(sa.literal("learners", text), sa.cast(sa.null(), text), sa.func.count()).select_from(
            LEARNERS
        )
        with self.engine.connect() as connection:
            rows = connection.execute(sa.union_all(trained, passed, everyone)).all()
        counts = {(kind, lesson): count for kind, lesson, count in rows}
        total = counts.get(("learners", None), 0)
        return [
            LessonProgress(lesson.key, total, counts.get(("run", lesson.key), 0), counts.get(("passed", lesson.key), 0))
            for lesson in course.LESSONS
        ]


def _note_learner(connection: sa.Connection, learner: Learner) -> None:
    """The learner's row: made on their first write, their name and email kept as the sign-in last said."""
    kept = connection.execute(
        sa.select(LEARNERS.c.name, LEARNERS.c.email).where(LEARNERS.c.learner_id == learner.id)
    ).first()
    if kept is None:
        connection.execute(
            sa.insert(LEARNERS).values(
                learner_id=learner.id, name=learner.name, email=learner.email, first_seen=_time_text(None)
            )
        )
    elif tuple(kept) != (learner.name, learner.email):
        connection.execute(
            sa.update(LEARNERS)
            .where(LEARNERS.c.learner_id == learner.id)
            .values(name=learner.name, email=learner.email)
        )


def _saved_runs(connection: sa.Connection, learner_id: str, lesson: str | None) -> list[SavedRun]:
    query = sa.select(RUNS).where(RUNS.c.learner_id == learner_id)
    if lesson is not None:
        query = query.where(RUNS.c.lesson == lesson)
    rows = connection.execute(query.order_by(RUNS.c.lesson, RUNS.c.number, RUNS.c.finished_at)).all()
    return [
        SavedRun(
            RunRecord(
                lesson=row.lesson,
                number=row.number,
                settings=json.loads(row.settings),
                loss=tuple(json.loads(row.loss)),
                seconds=row.seconds,
                results=json.loads(row.results),
                accuracy=tuple(json.loads(row.accuracy)),
                outcome=Outcome(row.outcome),
                data_set=row.data_set,
                link={str(name): str(value) for name, value in json.loads(row.link).items()},
            ),
            _time(row.finished_at),
        )
        for row in rows
    ]


def _attempts(connection: sa.Connection, learner_id: str, exercise: str | None) -> list[Attempt]:
    query = sa.select(ATTEMPTS).where(ATTEMPTS.c.learner_id == learner_id)
    if exercise is not None:
        query = query.where(ATTEMPTS.c.exercise == exercise)
    rows = connection.execute(query.order_by(ATTEMPTS.c.attempted_at, ATTEMPTS.c.attempt_id)).all()
    return [
        Attempt(row.attempt_id, row.learner_id, grade_from_json(json.loads(row.grade)), _time(row.attempted_at))
        for row in rows
    ]


def _certificates(connection: sa.Connection, learner_id: str) -> list[Certificate]:
    query = sa.select(CERTIFICATES).where(CERTIFICATES.c.learner_id == learner_id)
    rows = connection.execute(query.order_by(CERTIFICATES.c.issued_at)).all()
    return [_certificate(row) for row in rows]


def _certificate(row: sa.Row) -> Certificate:
    return Certificate(row.certificate_id, row.learner_id, _time(row.issued_at), json.loads(row.payload))


def _overview(rows: Sequence[sa.Row]) -> list[LearnerProgress]:
    """The overview statement's stacked rows folded into one `LearnerProgress` per learner."""
    learners: dict[str, dict] = {}
    runs: dict[str, int] = {}
    best: dict[str, dict[str, float]] = {}
    standings: dict[str, dict[str, ExerciseStanding]] = {}
    last: dict[str, str] = {}
    for learner_id, kind, key, count, passed, score, newest, name, email in rows:
        if kind == "learner":  # `newest` is when they were first seen: their last activity only without any
            learners[learner_id] = {"name": name, "email": email, "first_seen": newest}
            continue
        if newest > last.get(learner_id, ""):
            last[learner_id] = newest
        if kind == "run":
            runs[learner_id] = runs.get(learner_id, 0) + count
            if score is not None:
                best.setdefault(learner_id, {})[key] = float(score)
        else:
            standing = ExerciseStanding(bool(passed), float(score or 0.0), count)
            standings.setdefault(learner_id, {})[key] = standing
    overview = [
        LearnerProgress(
            learner_id=learner_id,
            name=kept["name"],
            email=kept["email"],
            runs=runs.get(learner_id, 0),
            best_score=best.get(learner_id, {}),
            exercises=standings.get(learner_id, {}),
            last_active=_time(last.get(learner_id, kept["first_seen"])),
        )
        for learner_id, kept in learners.items()
    ]
    return sorted(overview, key=lambda progress: (progress.name.casefold(), progress.learner_id))


# -- writes that wait for the database ---------------------------------------------------------


@dataclass(frozen=True)
class RunWrite:
    learner: Learner
    run_id: str
    record: RunRecord
    finished_at: datetime.datetime

    def apply(self, store: ProgressStore) -> bool:
        return store.save_run(self.learner, self.run_id, self.record, self.finished_at)


@dataclass(frozen=True)
class AttemptWrite:
    learner: Learner
    attempt_id: str
    grade: exercises.Grade
    attempted_at: datetime.datetime

    def apply(self, store: ProgressStore) -> bool:
        return store.save_attempt(self.learner, self.attempt_id, self.grade, self.attempted_at)


@dataclass(frozen=True)
class CertificateWrite:
    learner: Learner
    certificate_id: str
    payload: bytes
    issued_at: datetime.datetime

    def apply(self, store: ProgressStore) -> bool:
        return store.save_certificate(self.learner, self.certificate_id, self.payload, self.issued_at)


Write = RunWrite | AttemptWrite | CertificateWrite  # each carries its time, so a late write keeps the true one
FAILURES = (exc.DBAPIError, exc.TimeoutError)  # the database failed or was away; the pool ran out of time


@dataclass
class PendingWrites:
    """One session's writes that the database did not take yet, oldest first: the page goes on and
    they are retried (`flush`) on the next rerun, or when the learner asks. Writes are idempotent,
    so a write that reached the database before its answer was lost is not kept twice."""

    writes: list[Write] = field(default_factory=list)
    limit: int = 500  # a session that never reaches its database keeps its newest writes only
    dropped: int = 0  # writes let go because of the limit

    def save(self, store: ProgressStore | None, write: Write) -> bool:
        """Writes now when the database takes it (after the older pending ones, to keep their order),
        else keeps it; True when nothing is left waiting. `store` is None while it could not be opened."""
        self._keep(write)
        return self.flush(store) == 0 if store is not None else False

    def flush(self, store: ProgressStore) -> int:
        """Retries the waiting writes in order; returns how many still wait. Once the database is
        found away (`OperationalError`) the rest wait too, without a try each; a write the database
        refuses otherwise stays, and the ones after it are still tried."""
        waiting: list[Write] = []
        for index, write in enumerate(self.writes):
            try:
                write.apply(store)
            except (exc.OperationalError, exc.TimeoutError):
                waiting += self.writes[index:]
                break
            except FAILURES:
                waiting.append(write)
        self.writes = waiting
        return len(waiting)

    def notice(self) -> language.Message | None:
        """What the page says while writes wait, in the learner's language; None when none do."""
        count = len(self.writes)
        if not count:
            return None
        return language.Message(_SAID + ("pending_one" if count == 1 else "pending_many"), {"count": count})

    def _keep(self, write: Write) -> None:
        self.writes.append(write)
        if len(self.writes) > self.limit:
            self.dropped += len(self.writes) - self.limit
            self.writes = self.writes[-self.limit :]


def run_write(learner: Learner, run_id: str, record: RunRecord) -> RunWrite:
    """A run's write, timed now (when it finished), whenever the database takes it."""
    return RunWrite(learner, run_id, record, datetime.datetime.now(datetime.UTC))


def attempt_write(learner: Learner, attempt_id: str, grade: exercises.Grade) -> AttemptWrite:
    """An attempt's write, timed as graded (or now)."""
    when = _time(grade.graded_at) if grade.graded_at else datetime.datetime.now(datetime.UTC)
    return AttemptWrite(learner, attempt_id, grade, when)


def certificate_write(learner: Learner, certificate_id: str, payload: bytes) -> CertificateWrite:
    """A certificate's write, timed now (when it was issued)."""
    return CertificateWrite(learner, certificate_id, payload, datetime.datetime.now(datetime.UTC))
