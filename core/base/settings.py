"""The server's settings: every environment variable the app reads, read once into one frozen object.

Whoever runs the server sets these; a learner never sees them. `current()` reads them the first
time anything asks (`core/__init__.py` asks before TensorFlow starts, since TensorFlow sizes its
thread pools once), checks each, and keeps them for the life of the process. A value that cannot
mean anything raises a `ValueError` naming the variable and what it expects, so the app stops at
its first page instead of running on a setting nobody chose; where a variable's documented meaning
is "anything else is the default" (the memory budget, the time limit, the queue's caps, the
trusted proxies; an unrecognised `ANY_FOLDER` means no), that stays so.

| variable | meaning | unset |
| --- | --- | --- |
| `TRAINING_SLOTS` | trainings in progress at once (`threads`) | one per core |
| `TF_NUM_INTRAOP_THREADS` | the width of TensorFlow's intra-op pool (`threads`) | every core |
| `TRAINING_PRECISION` | `auto` (bfloat16 where native) or `float32` (`precision`) | `auto` |
| `TRAINING_MEMORY_MB` | the memory one training may use (`limits`) | 1024 |
| `TRAINING_TIME_LIMIT_S` | one training's wall-clock limit on a shared server (`limits`) | 600 |
| `TRAINING_ABANDON_AFTER_S` | a session silent this long loses its jobs (`jobs`) | 30 |
| `QUEUE_PER_CLIENT` | jobs one client may have waiting (`fair_queue`) | 4 |
| `QUEUE_TOTAL` | jobs the whole server keeps waiting (`fair_queue`) | 8 per slot |
| `TRUSTED_PROXY` | reverse proxies whose X-Forwarded-For counts (`fair_queue`) | 0 |
| `ANY_FOLDER` | `1`: visitors may type any folder; `0`: only the configured ones (`hosting`) | loopback only |
| `HORSE_OR_HUMAN_DIR` | the course's photos, offered to Lesson 4 (`hosting`) | none |
| `TRAINING_FOLDERS` | more folders for Lesson 4, separated like PATH (`hosting`) | none |
| `RAY_ADDRESS` | the Ray cluster that trains (`cluster`, `engine.ray_jobs`) | this server trains |
| `TRAINING_CPUS_PER_JOB` | CPUs each training asks the Ray cluster for (`engine.ray_jobs`) | 1 |
| `FASHION_MNIST_DIR` | a folder with Fashion-MNIST's four IDX files (`data.fashion_mnist`) | none |
| `MNIST_DIR` | a folder with MNIST's four IDX files (`data.mnist`) | none |
| `KERAS_HOME` | where Keras keeps its downloads (`data.fashion_mnist`, `data.mnist`) | `~/.keras` |
| `PROGRESS_DATABASE_URL` | the database of learners' progress, a SQLAlchemy URL (`progress`) | a SQLite file |
| `XDG_DATA_HOME` | the data folder that holds that SQLite file (`progress`) | `~/.local/share` |
| `TEACHERS` | accounts (emails or ids, comma-separated) that see the class overview (`progress`) | none |

A test builds its own with `ServerSettings(...)` or `ServerSettings.from_environment({...})` and
passes it to the function it checks; tests that set variables for a whole page rely on
`forget()`, which the test suite calls around every test (tests/conftest.py).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SLOTS_VARIABLE = "TRAINING_SLOTS"
INTRAOP_VARIABLE = "TF_NUM_INTRAOP_THREADS"
PRECISION_VARIABLE = "TRAINING_PRECISION"
MEMORY_VARIABLE = "TRAINING_MEMORY_MB"
TIME_LIMIT_VARIABLE = "TRAINING_TIME_LIMIT_S"
ABANDON_VARIABLE = "TRAINING_ABANDON_AFTER_S"
PER_CLIENT_VARIABLE = "QUEUE_PER_CLIENT"
TOTAL_VARIABLE = "QUEUE_TOTAL"
TRUSTED_PROXY_VARIABLE = "TRUSTED_PROXY"
ANY_FOLDER_VARIABLE = "ANY_FOLDER"
COURSE_FOLDER_VARIABLE = "HORSE_OR_HUMAN_DIR"
FOLDERS_VARIABLE = "TRAINING_FOLDERS"
RAY_ADDRESS_VARIABLE = "RAY_ADDRESS"
CPUS_VARIABLE = "TRAINING_CPUS_PER_JOB"
FASHION_MNIST_VARIABLE = "FASHION_MNIST_DIR"
MNIST_VARIABLE = "MNIST_DIR"
KERAS_HOME_VARIABLE = "KERAS_HOME"
PROGRESS_DATABASE_VARIABLE = "PROGRESS_DATABASE_URL"
DATA_HOME_VARIABLE = "XDG_DATA_HOME"
TEACHERS_VARIABLE = "TEACHERS"

YES = ("1", "true", "yes", "on")  # ANY_FOLDER's words for yes; any other word is no

DEFAULT_MEMORY_MB = 1024
DEFAULT_TIME_LIMIT_S = 600.0
DEFAULT_ABANDON_AFTER_S = 30.0
DEFAULT_PER_CLIENT = 4
DEFAULT_CPUS_PER_JOB = 1.0


@dataclass(frozen=True)
class ServerSettings:
    """What whoever runs the server chose, typed; the defaults are those of an empty environment."""

    training_slots: int | None = None  # trainings in progress at once; None: one per core
    intraop_threads: int | None = None  # width of TensorFlow's intra-op pool; None: every core
    precision: Literal["auto", "float32"] = "auto"  # "auto": bfloat16 where native; "float32": never
    memory_budget_mb: int = DEFAULT_MEMORY_MB  # what one training may hold, network and data together
    time_limit_s: float = DEFAULT_TIME_LIMIT_S  # one training's wall clock on a shared server
    abandon_after_s: float = DEFAULT_ABANDON_AFTER_S  # a session that stops polling this long loses its jobs
    queue_per_client: int = DEFAULT_PER_CLIENT  # jobs one client may have waiting for a slot
    queue_total: int | None = None  # jobs the server keeps waiting; None: 8 per training slot
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For is believed
    any_folder: bool | None = None  # may a visitor type any folder? None: only when on loopback alone
    course_folder: Path | None = None  # the course's horse-or-human photos, offered to Lesson 4
    training_folders: tuple[Path, ...] = ()  # more folders offered to Lesson 4, by name
    ray_address: str | None = None  # the Ray cluster that trains; None: this server trains itself
    cpus_per_job: float = DEFAULT_CPUS_PER_JOB  # CPUs each training asks the Ray cluster for
    fashion_mnist_dir: Path | None = None  # Fashion-MNIST's IDX files, tried before Keras's cache
    mnist_dir: Path | None = None  # MNIST's IDX files, tried before Keras's cache
    keras_home: Path | None = None  # where Keras keeps its downloads; None: ~/.keras
    progress_database_url: str | None = None  # where progress is kept; None: a SQLite file in data_home
    data_home: Path | None = None  # the user's data folder (XDG's); None: ~/.local/share
    teachers: tuple[str, ...] = ()  # accounts, by email or id, that see the whole class's progress

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> ServerSettings:
        """The settings these variables give; raises `ValueError`, naming the variable and what it
        expects, for a value that cannot mean anything."""
        return cls(
            training_slots=_whole_number(environ, SLOTS_VARIABLE),
            intraop_threads=_whole_number(environ, INTRAOP_VARIABLE),
            precision=_precision(environ),
            memory_budget_mb=_whole_number_or_default(environ, MEMORY_VARIABLE) or DEFAULT_MEMORY_MB,
            time_limit_s=_seconds_or_default(environ, TIME_LIMIT_VARIABLE, DEFAULT_TIME_LIMIT_S),
            abandon_after_s=_abandon_after_s(environ),
            queue_per_client=_whole_number_or_default(environ, PER_CLIENT_VARIABLE) or DEFAULT_PER_CLIENT,
            queue_total=_whole_number_or_default(environ, TOTAL_VARIABLE),
            trusted_proxies=_whole_number_or_default(environ, TRUSTED_PROXY_VARIABLE) or 0,
            any_folder=_yes_or_no(environ, ANY_FOLDER_VARIABLE),
            course_folder=_folder(environ, COURSE_FOLDER_VARIABLE),
            training_folders=tuple(
                Path(entry.strip()) for entry in _text(environ, FOLDERS_VARIABLE).split(os.pathsep) if entry.strip()
            ),
            ray_address=_text(environ, RAY_ADDRESS_VARIABLE) or None,
            cpus_per_job=_cpus_per_job(environ),
            fashion_mnist_dir=_folder(environ, FASHION_MNIST_VARIABLE),
            mnist_dir=_folder(environ, MNIST_VARIABLE),
            keras_home=_folder(environ, KERAS_HOME_VARIABLE),
            progress_database_url=_text(environ, PROGRESS_DATABASE_VARIABLE) or None,
            data_home=_absolute_folder(environ, DATA_HOME_VARIABLE),
            teachers=tuple(entry.strip() for entry in _text(environ, TEACHERS_VARIABLE).split(",") if entry.strip()),
        )


def _text(environ: Mapping[str, str], variable: str) -> str:
    return environ.get(variable, "").strip()


def _whole_number(environ: Mapping[str, str], variable: str) -> int | None:
    """A whole number of at least 1, or None when unset; anything else is refused."""
    value = _text(environ, variable)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ValueError(f"{variable} must be a whole number of at least 1, not {value!r}.")
    return int(value)


def _whole_number_or_default(environ: Mapping[str, str], variable: str) -> int | None:
    """A whole number of at least 1, or None (the variable's default) for anything else."""
    value = _text(environ, variable)
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None


def _seconds_or_default(environ: Mapping[str, str], variable: str, default: float) -> float:
    """A number of seconds above 0, or the default for anything else."""
    try:
        seconds = float(_text(environ, variable))
    except ValueError:
        return default
    return seconds if seconds > 0 else default


def _number(
    environ: Mapping[str, str], variable: str, default: float, valid: Callable[[float], bool], expected: str
) -> float:
    """A number that `valid` accepts, or the default when unset; anything else is refused."""
    value = _text(environ, variable)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan  # fails every comparison, so no check accepts it
    if not valid(number):
        raise ValueError(f"{variable} must be {expected}, not {value!r}.")
    return number


def _abandon_after_s(environ: Mapping[str, str]) -> float:
    expected = "a number of seconds of at least 0"  # "inf": never
    return _number(environ, ABANDON_VARIABLE, DEFAULT_ABANDON_AFTER_S, lambda seconds: seconds >= 0, expected)


def _cpus_per_job(environ: Mapping[str, str]) -> float:
    expected = "a number of CPUs above 0 (such as 1, 2 or 0.5)"  # Ray gives a task a fraction of a CPU too
    return _number(environ, CPUS_VARIABLE, DEFAULT_CPUS_PER_JOB, lambda cpus: 0 < cpus < math.inf, expected)


def _precision(environ: Mapping[str, str]) -> Literal["auto", "float32"]:
    value = _text(environ, PRECISION_VARIABLE).lower() or "auto"
    if value == "auto":
        return "auto"
    if value == "float32":
        return "float32"
    raise ValueError(f"{PRECISION_VARIABLE} must be 'auto' or 'float32', not {value!r}.")


def _yes_or_no(environ: Mapping[str, str], variable: str) -> bool | None:
    value = _text(environ, variable).lower()
    return value in YES if value else None


def _folder(environ: Mapping[str, str], variable: str) -> Path | None:
    value = _text(environ, variable)
    return Path(value) if value else None


def _absolute_folder(environ: Mapping[str, str], variable: str) -> Path | None:
    """A folder given as an absolute path; the XDG specification says to ignore a relative one."""
    folder = _folder(environ, variable)
    return folder if folder is not None and folder.is_absolute() else None


_CURRENT: ServerSettings | None = None
_LOCK = threading.Lock()


def current() -> ServerSettings:
    """This server's settings, read from the environment the first time they are asked for and
    kept for the life of the process."""
    global _CURRENT
    with _LOCK:
        if _CURRENT is None:
            _CURRENT = ServerSettings.from_environment(os.environ)
        return _CURRENT


def forget() -> None:
    """Drops the settings read so far, so the next `current()` reads the environment again. For
    tests, which change variables between tests (tests/conftest.py calls it around each one); a
    server reads its settings once."""
    global _CURRENT
    with _LOCK:
        _CURRENT = None
