"""Lesson 3's closing question: does the CNN beat Lesson 2's dense network, and at what cost?
The learner's own runs of both lessons, as a table and as accuracy against training time."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from core.base import language
from core.base.runs import RunRecord

# The table's columns, as catalogue keys under `convolutions.comparison.table`, in the order shown.
COLUMNS = ("network", "run", "epochs_run", "test_accuracy", "training_time", "parameters")


def _column(words: language.Words, name: str) -> str:
    return words(f"convolutions.comparison.table.{name}")


def dense_vs_cnn_table(
    dense_runs: Sequence[RunRecord], cnn_runs: Sequence[RunRecord], *, words: language.Words
) -> pd.DataFrame:
    """The learner's dense-network runs (Lesson 2) and CNN runs (this lesson) side by side:
    accuracy, time and size, with the headers and network names in the learner's language."""
    networks = ((_column(words, "dense"), dense_runs), (_column(words, "cnn"), cnn_runs))
    return pd.DataFrame(
        [
            (
                network,
                run.number,
                len(run.loss),
                run.results.get("test accuracy"),
                round(run.seconds, 1),
                run.results.get("parameters"),
            )
            for network, runs in networks
            for run in runs
        ],
        columns=[_column(words, name) for name in COLUMNS],
    )


def dense_vs_cnn_chart(table: pd.DataFrame, *, words: language.Words) -> go.Figure:
    """Test accuracy against training time, one dot per run; the CNN's dots sit higher and to the right.
    `table` is `dense_vs_cnn_table`'s, made with the same words."""
    network_column, run_column, accuracy, seconds, parameters = (
        _column(words, name) for name in ("network", "run", "test_accuracy", "training_time", "parameters")
    )
    figure = go.Figure()
    for network, rows in table.groupby(network_column):
        name = str(network)
        figure.add_trace(
            go.Scatter(
                x=rows[seconds],
                y=rows[accuracy],
                mode="markers+text",
                text=[f"#{run}" for run in rows[run_column]],
                textposition="top center",
                marker=dict(size=14),
                name=name,
                customdata=rows[parameters],
                # plotly's template, not Python's: the entry is taken as it is, with its %{...}.
                hovertemplate=words("convolutions.comparison.chart.hover") + "<extra>" + name + "</extra>",
            )
        )
    figure.update_layout(
        title=words("convolutions.comparison.chart.title"),
        xaxis_title=words("convolutions.comparison.chart.xaxis"),
        yaxis=dict(title=words("convolutions.comparison.chart.yaxis"), tickformat=".0%", range=[0, 1.02]),
        legend_title=words("convolutions.comparison.chart.legend"),
    )
    return figure
