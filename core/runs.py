"""Run history shared by every lesson: each training run a learner makes, kept for comparison.

Comparing runs is how the course's questions get answered ("is adam faster than sgd?", "what
does a ten times larger learning rate do?"), so every lesson records its runs the same way and
shows them in the same table and overlay chart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RunRecord:
    """One finished (or interrupted) run: its label, settings, curves and headline numbers."""

    lesson: str  # the lesson's registry key, e.g. "hello_world" (core.course)
    number: int  # 1-based, in the order the learner trained them
    settings: dict[str, object]  # the config's fields, shown as table columns
    loss: tuple[float, ...]  # per epoch
    seconds: float
    results: dict[str, object] = field(default_factory=dict)  # e.g. {"prediction at x=7": 4.0}
    accuracy: tuple[float, ...] = ()
    outcome: str = "finished"  # "finished", "stopped at target", "diverged" or "interrupted"

    @property
    def label(self) -> str:
        shown = ", ".join(f"{key}={value}" for key, value in list(self.settings.items())[:3])
        return f"#{self.number} {shown}"


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


def runs_table(runs: list[RunRecord]) -> pd.DataFrame:
    """One row per run: number, settings, outcome, results and time."""
    rows = []
    for run in runs:
        row: dict[str, object] = {"run": run.number}
        row.update(run.settings)
        row["outcome"] = run.outcome
        row["epochs run"] = len(run.loss)
        row["final loss"] = run.loss[-1] if run.loss else np.nan
        row.update(run.results)
        row["time (s)"] = round(run.seconds, 3)
        rows.append(row)
    return pd.DataFrame(rows)
