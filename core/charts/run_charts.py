"""Every run of a lesson on one chart, so the effect of one setting is visible at a glance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.base import language
from core.base.runs import RunRecord, run_labels

# Under the chart, one run a line: a run's label names every setting that differs between the
# runs, which beside the chart took most of its width.
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0)


def loss_overlay(runs: Sequence[RunRecord], log_scale: bool = True, *, words: language.Words) -> go.Figure:
    """Every run's loss curve on one chart, so the effect of one setting is visible at a glance; each
    run is named by what differs from the others."""
    figure = go.Figure()
    for run, label in zip(runs, run_labels(runs, words=words), strict=True):
        epochs = np.arange(1, len(run.loss) + 1)
        figure.add_trace(go.Scatter(x=epochs, y=run.loss, mode="lines", name=label))
    figure.update_layout(
        title=words("charts.runs.loss_title"),
        xaxis_title=words("charts.runs.x_axis"),
        yaxis_title=words("charts.runs.loss_axis_log" if log_scale else "charts.runs.loss_axis"),
        legend=dict(LEGEND_BELOW, title=words("charts.runs.legend")),
        margin=dict(t=50, b=40),
    )
    if log_scale:
        figure.update_yaxes(type="log")
    return figure


def accuracy_overlay(runs: Sequence[RunRecord], *, words: language.Words) -> go.Figure:
    """Training accuracy per epoch of the runs that measured it, for comparison, named as in the
    loss overlay (by what differs among all the runs)."""
    figure = go.Figure()
    for run, label in zip(runs, run_labels(runs, words=words), strict=True):
        if run.accuracy:
            epochs = np.arange(1, len(run.accuracy) + 1)
            figure.add_trace(go.Scatter(x=epochs, y=run.accuracy, mode="lines+markers", name=label))
    figure.update_layout(
        title=words("charts.runs.accuracy_title"),
        xaxis_title=words("charts.runs.x_axis"),
        yaxis=dict(title=words("charts.runs.accuracy_axis"), tickformat=".0%"),
        legend=dict(LEGEND_BELOW, title=words("charts.runs.legend")),
    )
    return figure
