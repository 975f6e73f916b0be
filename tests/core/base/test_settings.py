"""The server's settings (`core.base.settings`): every variable read into one frozen object, checked,
read once per process, and documented where an operator looks."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from core.base import settings
from tests.conftest import REPOSITORY

VARIABLES = sorted(value for name, value in vars(settings).items() if name.endswith("_VARIABLE"))

# Every variable set to a value other than its default, and the object it must give.
EVERY_VARIABLE = {
    "TRAINING_SLOTS": "3",
    "TF_NUM_INTRAOP_THREADS": "2",
    "TRAINING_PRECISION": " Float32 ",
    "TRAINING_MEMORY_MB": "2048",
    "TRAINING_TIME_LIMIT_S": "90.5",
    "TRAINING_ABANDON_AFTER_S": "0",
    "QUEUE_PER_CLIENT": "2",
    "QUEUE_TOTAL": "30",
    "TRUSTED_PROXY": "1",
    "ANY_FOLDER": "off",
    "HORSE_OR_HUMAN_DIR": "/data/horse-or-human",
    "TRAINING_FOLDERS": os.pathsep.join(["/data/flowers", "", " ~/pets "]),
    "RAY_ADDRESS": "10.0.0.5:6379",
    "TRAINING_CPUS_PER_JOB": "0.5",
    "FASHION_MNIST_DIR": "/data/fashion",
    "MNIST_DIR": "/data/mnist",
    "KERAS_HOME": "/cache/keras",
    "PROGRESS_DATABASE_URL": " postgresql+psycopg://course@db.school/progress ",
    "XDG_DATA_HOME": "/home/learner/.data",
    "TEACHERS": " teacher@school.example, ,oidc:https://id.school|42 ",
}
EXPECTED = settings.ServerSettings(
    training_slots=3,
    intraop_threads=2,
    precision="float32",
    memory_budget_mb=2048,
    time_limit_s=90.5,
    abandon_after_s=0.0,
    queue_per_client=2,
    queue_total=30,
    trusted_proxies=1,
    any_folder=False,
    course_folder=Path("/data/horse-or-human"),
    training_folders=(Path("/data/flowers"), Path("~/pets")),
    ray_address="10.0.0.5:6379",
    cpus_per_job=0.5,
    fashion_mnist_dir=Path("/data/fashion"),
    mnist_dir=Path("/data/mnist"),
    keras_home=Path("/cache/keras"),
    progress_database_url="postgresql+psycopg://course@db.school/progress",
    data_home=Path("/home/learner/.data"),
    teachers=("teacher@school.example", "oidc:https://id.school|42"),
)


def test_an_empty_environment_gives_the_defaults():
    assert settings.ServerSettings.from_environment({}) == settings.ServerSettings()
    blank = {variable: "  " for variable in VARIABLES}  # set but empty counts as unset
    assert settings.ServerSettings.from_environment(blank) == settings.ServerSettings()


def test_every_variable_is_read_into_its_field():
    assert sorted(EVERY_VARIABLE) == VARIABLES  # the list above names every variable there is
    assert settings.ServerSettings.from_environment(EVERY_VARIABLE) == EXPECTED
    for variable, value in EVERY_VARIABLE.items():  # and each one alone moves its field off the default
        assert settings.ServerSettings.from_environment({variable: value}) != settings.ServerSettings(), variable


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRAINING_SLOTS", "0"),
        ("TRAINING_SLOTS", "two"),
        ("TRAINING_SLOTS", "1.5"),
        ("TF_NUM_INTRAOP_THREADS", "-1"),
        ("TF_NUM_INTRAOP_THREADS", "²"),
        ("TRAINING_PRECISION", "half"),
        ("TRAINING_ABANDON_AFTER_S", "soon"),
        ("TRAINING_ABANDON_AFTER_S", "-5"),
        ("TRAINING_ABANDON_AFTER_S", "nan"),
        ("TRAINING_CPUS_PER_JOB", "0"),
        ("TRAINING_CPUS_PER_JOB", "many"),
        ("TRAINING_CPUS_PER_JOB", "inf"),
    ],
)
def test_a_value_that_cannot_mean_anything_is_refused_with_the_variable_and_what_it_expects(variable, value):
    with pytest.raises(ValueError, match=rf"^{variable} must be .*, not {re.escape(repr(value))}\.$"):
        settings.ServerSettings.from_environment({variable: value})


@pytest.mark.parametrize(
    ("variable", "value", "field", "default"),
    [
        ("TRAINING_MEMORY_MB", "lots", "memory_budget_mb", 1024),
        ("TRAINING_MEMORY_MB", "0", "memory_budget_mb", 1024),
        ("TRAINING_TIME_LIMIT_S", "-1", "time_limit_s", 600.0),
        ("QUEUE_PER_CLIENT", "0", "queue_per_client", 4),
        ("QUEUE_TOTAL", "many", "queue_total", None),
        ("TRUSTED_PROXY", "yes", "trusted_proxies", 0),
        ("ANY_FOLDER", "maybe", "any_folder", False),  # an unrecognised answer locks the folders
        ("XDG_DATA_HOME", "relative/data", "data_home", None),  # the XDG specification ignores a relative one
        ("TEACHERS", " , ,", "teachers", ()),
    ],
)
def test_variables_documented_as_falling_back_still_fall_back(variable, value, field, default):
    assert getattr(settings.ServerSettings.from_environment({variable: value}), field) == default


def test_the_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.ServerSettings().training_slots = 2


def test_the_server_reads_its_settings_once_until_told_to_forget(monkeypatch):
    monkeypatch.setenv(settings.SLOTS_VARIABLE, "3")
    first = settings.current()
    assert first.training_slots == 3
    monkeypatch.setenv(settings.SLOTS_VARIABLE, "5")
    assert settings.current() is first  # a changed variable does not count while the server runs
    settings.forget()
    assert settings.current().training_slots == 5


def test_a_wrong_value_is_refused_each_time_it_is_read(monkeypatch):
    monkeypatch.setenv(settings.PRECISION_VARIABLE, "half")
    for _ in range(2):  # nothing half-read is kept
        with pytest.raises(ValueError, match=settings.PRECISION_VARIABLE):
            settings.current()


def section(text: str, heading: str) -> str:
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_and_the_docstring_list_every_variable_in_the_same_table():
    docstring = settings.__doc__ or ""
    rows = [line for line in docstring.splitlines() if line.startswith("| `")]
    assert sorted(re.match(r"\| `(\w+)`", row).group(1) for row in rows) == VARIABLES
    readme = section((REPOSITORY / "README.md").read_text(), "## Server settings")
    missing = [row for row in rows if row not in readme.splitlines()]
    assert not missing, f"the README's server settings differ from core/base/settings.py's: {missing}"
