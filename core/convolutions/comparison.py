"""Lesson 3's closing question: does the CNN beat Lesson 2's dense network, and at what cost?
The learner's own runs of both lessons, as a table and as accuracy against training time."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from core.base.runs import RunRecord


def dense_vs_cnn_table(dense_runs: Sequence[RunRecord], cnn_runs: Sequence[RunRecord]) -> pd.DataFrame:
    """The learner's dense-network runs (Lesson 2) and CNN runs (this lesson) side by side:
    accuracy, time and size."""
    return pd.DataFrame(
        [
            {
                "network": network,
                "run": run.number,
                "epochs run": len(run.loss),
                "test accuracy": run.results.get("test accuracy"),
                "training time (s)": round(run.seconds, 1),
                "parameters": run.results.get("parameters"),
            }
            for network, runs in (("dense", dense_runs), ("CNN", cnn_runs))
            for run in runs
        ],
        columns=["network", "run", "epochs run", "test accuracy", "training time (s)", "parameters"],
    )


def dense_vs_cnn_chart(table: pd.DataFrame) -> go.Figure:
    """Test accuracy against training time, one dot per run; the CNN's dots sit higher and to the right."""
    figure = go.Figure()
    for network, rows in table.groupby("network"):
        name = str(network)
        figure.add_trace(
            go.Scatter(
                x=rows["training time (s)"],
                y=rows["test accuracy"],
                mode="markers+text",
                text=[f"#{run}" for run in rows["run"]],
                textposition="top center",
                marker=dict(size=14),
                name=name,
                customdata=rows["parameters"],
                hovertemplate="%{y:.2%} in %{x:.1f} s<br>%{customdata:,} parameters<extra>" + name + "</extra>",
            )
        )
    figure.update_layout(
        title="Dense network vs CNN: test accuracy and training time of your runs",
        xaxis_title="training time (s)",
        yaxis=dict(title="test accuracy", tickformat=".0%", range=[0, 1.02]),
        legend_title="network",
    )
    return figure
