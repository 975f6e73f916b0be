"""Training curves shared by every image lesson: loss and accuracy per epoch, live while a model
trains and again with its results, validation curves beside the training ones."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.base import language
from core.base.history import TrainingHistory


def training_curves(
    history: TrainingHistory, title: str | None = None, best_epoch: int | None = None, *, words: language.Words
) -> go.Figure:
    """Loss and accuracy per epoch side by side; the epoch where the callback stopped is marked, and
    `best_epoch` (1-based), when given, is starred on the validation accuracy curve."""
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=(words("charts.training.loss"), words("charts.training.accuracy"))
    )
    epochs = np.arange(1, history.epochs_run + 1)
    figure.add_trace(
        go.Scatter(x=epochs, y=history.loss, mode="lines+markers", name=words("charts.training.training_loss")),
        row=1,
        col=1,
    )
    if history.accuracy:
        figure.add_trace(
            go.Scatter(
                x=epochs, y=history.accuracy, mode="lines+markers", name=words("charts.training.training_accuracy")
            ),
            row=1,
            col=2,
        )
    if history.val_loss:
        validation_epochs = np.arange(1, len(history.val_loss) + 1)
        figure.add_trace(
            go.Scatter(
                x=validation_epochs,
                y=history.val_loss,
                mode="lines+markers",
                name=words("charts.training.validation_loss"),
            ),
            row=1,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                x=validation_epochs,
                y=history.val_accuracy,
                mode="lines+markers",
                name=words("charts.training.validation_accuracy"),
            ),
            row=1,
            col=2,
        )
    if best_epoch is not None and 1 <= best_epoch <= len(history.val_accuracy):
        best = history.val_accuracy[best_epoch - 1]
        figure.add_trace(
            go.Scatter(
                x=[best_epoch],
                y=[best],
                mode="markers+text",
                marker=dict(symbol="star", size=16, color="#d62728", line=dict(width=1, color="white")),
                text=[words("charts.training.best", value=words.percent(best, digits=0))],
                textposition="bottom center",
                name=words("charts.training.best_legend", epoch=best_epoch),
            ),
            row=1,
            col=2,
        )
    if history.stopped_at_target is not None:
        for column in (1, 2):
            figure.add_vline(x=history.stopped_at_target, line_dash="dash", line_color="green", row=1, col=column)
        figure.add_annotation(
            text=words("charts.training.stopped", epoch=history.stopped_at_target),
            xref="paper",
            yref="paper",
            x=0.5,
            y=-0.28,
            showarrow=False,
            font=dict(color="green"),
        )
    figure.update_xaxes(
        title_text=words("charts.training.x_axis"),
        range=[0.5, max(history.epochs_planned, 1) + 0.5],
        dtick=1 if history.epochs_planned <= 12 else None,
    )
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    figure.update_layout(
        title=title or words("charts.training.title"), margin=dict(t=70, b=80), legend=dict(orientation="h", y=-0.35)
    )
    return figure
