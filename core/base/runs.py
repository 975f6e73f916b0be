"""Run history shared by every lesson: each training run a learner makes, kept for comparison.

Comparing runs is how the course's questions get answered ("is adam faster than sgd?", "what
does a ten times larger learning rate do?"), so every lesson records its runs the same way and
shows them in the same table and overlay chart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.base.history import Outcome


@dataclass(frozen=True)
class RunRecord:
    """One finished (or interrupted) run: its label, settings, curves and headline numbers."""

    lesson: str  # the lesson's registry key, e.g. "hello_world" (core.base.course)
    number: int  # 1-based, in the order the learner trained them
    settings: dict[str, object]  # the config's fields, shown as table columns
    loss: tuple[float, ...]  # per epoch
    seconds: float
    results: dict[str, object] = field(default_factory=dict)  # e.g. {"prediction at x=7": 4.0}
    accuracy: tuple[float, ...] = ()
    outcome: Outcome = Outcome.FINISHED
    data_set: str = ""  # what it trained on, by name ("Fashion-MNIST"), when its job said so


# Lesson 4's "teach it" runs (core.real_world_images.network.RealWorldConfig): the learner's own
# photos added to the training photos, and the run whose weights it started from.
OWN_PHOTOS, FROM_RUN = "own_photos", "from_run"


def differing_settings(runs: Sequence[RunRecord]) -> list[str]:
    """The settings whose values are not the same in every run, in the order the runs list them:
    what a comparison of these runs is about."""
    names = list(dict.fromkeys(name for run in runs for name in run.settings))
    return [name for name in names if len({repr(run.settings.get(name)) for run in runs}) > 1]


def shared_settings(runs: Sequence[RunRecord]) -> dict[str, object]:
    """The settings every run has with the same value."""
    differing = set(differing_settings(runs))
    return {name: value for name, value in runs[0].settings.items() if name not in differing} if runs else {}


def run_labels(runs: Sequence[RunRecord]) -> list[str]:
    """Each run's label among the runs shown with it: its number and what differs from the others
    ("#2 epochs=10"), a taught run in words ("#3 fine-tuned from run 1 with your 3 photos"), and a
    run whose settings repeat an earlier one's as such ("#2 same settings as #1")."""
    differing = differing_settings(runs)
    labels = []
    for index, run in enumerate(runs):
        parts = [_teaching(run.settings)] if _taught(run.settings) else []
        parts += [f"{name}={run.settings.get(name, '-')}" for name in differing if name not in (OWN_PHOTOS, FROM_RUN)]
        parts = [part for part in parts if part]
        if not differing:
            earlier = next((other for other in runs[:index] if other.settings == run.settings), None)
            if earlier is not None:
                parts.append(f"same settings as #{earlier.number}")
        labels.append(" ".join([f"#{run.number}", ", ".join(parts)]).strip())
    return labels


def _taught(settings: dict[str, object]) -> bool:
    return _count(settings.get(OWN_PHOTOS)) > 0 or _count(settings.get(FROM_RUN)) > 0


def _teaching(settings: dict[str, object]) -> str:
    """A taught run in the lesson's words: where it started and how many of the learner's photos."""
    photos, start = _count(settings.get(OWN_PHOTOS)), _count(settings.get(FROM_RUN))
    origin = f"fine-tuned from run {start}" if start else "trained from scratch"
    return f"{origin} with your {photos} photo{'s' if photos != 1 else ''}" if photos else origin


def _count(value: object) -> int:
    """A setting that counts something: its number, or 0 when it is off (None, "off")."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def settings_of(config: Any) -> dict[str, object]:
    """A config dataclass as table columns (the same object labels the run): tuples such as
    hidden layer sizes read as "128×64", a stopping rule as "accuracy ≥ 0.9", none as "off"."""
    return {field.name: _cell(getattr(config, field.name)) for field in dataclasses.fields(config)}


def _cell(value: object) -> object:
    if isinstance(value, tuple):
        return "×".join(str(item) for item in value)
    if value is None:
        return "off"
    if dataclasses.is_dataclass(value):
        return str(value)
    return value


def add_run(runs: list[RunRecord], record: RunRecord, limit: int = 50) -> list[RunRecord]:
    """Returns the history with `record` appended, keeping only the newest `limit` runs so a long
    session's memory stays bounded."""
    return [*runs, record][-limit:]


def shared_results(runs: Sequence[RunRecord]) -> dict[str, object]:
    """Results every one of several runs has with the same value, such as the network's size when
    only the training changed."""
    if len(runs) < 2:
        return {}
    first = runs[0].results
    return {name: value for name, value in first.items() if all(run.results.get(name) == value for run in runs)}


def runs_table(runs: Sequence[RunRecord]) -> pd.DataFrame:
    """One row per run: its number, what differs between the runs (worded as the runs' labels), how
    it ended and after how many epochs, its results and its time. The settings every run shares,
    and results that are the same in every run, are said once above the table (`shared_settings`,
    `shared_results`), so that it stays as wide as a laptop's screen. Each column has one type, so
    Arrow converts it as it is."""
    same = shared_results(runs)
    rows = []
    for run, label in zip(runs, run_labels(runs), strict=True):
        row: dict[str, object] = {"run": run.number}
        row["settings"] = label.removeprefix(f"#{run.number}").strip()
        row["outcome"] = f"{run.outcome}, {len(run.loss)} epoch{'' if len(run.loss) == 1 else 's'}"
        row["final loss"] = run.loss[-1] if run.loss else np.nan
        row.update({name: value for name, value in run.results.items() if name not in same})
        row["time (s)"] = round(run.seconds, 3)
        rows.append(row)
    table = pd.DataFrame(rows)
    if "settings" in table.columns and not table["settings"].astype(bool).any():
        table = table.drop(columns="settings")  # one run, or repeats of one: nothing differs
    for name in table.columns:
        table[name] = _one_type(table[name])
    return table


def _one_type(column: pd.Series) -> pd.Series:
    """A column whose cells mix types (a count and "off", a number and a word) becomes text:
    Streamlit sends tables as Arrow, which refuses a column of mixed types."""
    if column.dtype == object and len({type(value) for value in column if value is not None}) > 1:
        return column.map(lambda value: "" if value is None else str(value))
    return column
