"""Run history shared by every lesson: each training run a learner makes, kept for comparison.

Comparing runs is how the course's questions get answered ("is adam faster than sgd?", "what
does a ten times larger learning rate do?"), so every lesson records its runs the same way and
shows them in the same table and overlay chart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go


@dataclass(frozen=True)
class RunRecord:
    """One finished (or interrupted) run: its label, settings, curves and headline numbers."""

    lesson: str  # e.g. "Hello, World"
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


def settings_of(config: object) -> dict[str, object]:
    """A config dataclass as table columns (the same object labels the run); tuples such as
    hidden layer sizes read as "128×64"."""
    return {
        name: "×".join(str(item) for item in value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(config).items()
    }


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


def loss_overlay(runs: list[RunRecord], log_scale: bool = True) -> go.Figure:
    """Every run's loss curve on one chart, so the effect of one setting is visible at a glance."""
    figure = go.Figure()
    for run in runs:
        epochs = np.arange(1, len(run.loss) + 1)
        figure.add_trace(go.Scatter(x=epochs, y=run.loss, mode="lines", name=run.label))
    figure.update_layout(
        title="Loss per epoch, all your runs",
        xaxis_title="epoch",
        yaxis_title="loss (log scale)" if log_scale else "loss",
        legend_title="run",
        margin=dict(t=50, b=40),
    )
    if log_scale:
        figure.update_yaxes(type="log")
    return figure
