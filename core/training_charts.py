"""Charts shared by the image lessons: training curves while and after training, and the views
of a classifier's results (confusion matrix, per-class accuracy, probabilities)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.training import TrainingHistory


def training_curves(history: TrainingHistory, title: str = "Training, epoch by epoch") -> go.Figure:
    """Loss and accuracy per epoch side by side; the epoch where the callback stopped is marked."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("loss", "accuracy"))
    epochs = np.arange(1, history.epochs_run + 1)
    figure.add_trace(go.Scatter(x=epochs, y=history.loss, mode="lines+markers", name="training loss"), row=1, col=1)
    if history.accuracy:
        figure.add_trace(
            go.Scatter(x=epochs, y=history.accuracy, mode="lines+markers", name="training accuracy"), row=1, col=2
        )
    if history.val_loss:
        validation_epochs = np.arange(1, len(history.val_loss) + 1)
        figure.add_trace(
            go.Scatter(x=validation_epochs, y=history.val_loss, mode="lines+markers", name="validation loss"),
            row=1,
            col=1,
        )
        figure.add_trace(
            go.Scatter(x=validation_epochs, y=history.val_accuracy, mode="lines+markers", name="validation accuracy"),
            row=1,
            col=2,
        )
    if history.stopped_at_target is not None:
        for column in (1, 2):
            figure.add_vline(x=history.stopped_at_target, line_dash="dash", line_color="green", row=1, col=column)
        figure.add_annotation(
            text=f"callback stopped training after epoch {history.stopped_at_target}",
            xref="paper",
            yref="paper",
            x=0.5,
            y=-0.28,
            showarrow=False,
            font=dict(color="green"),
        )
    figure.update_xaxes(
        title_text="epoch",
        range=[0.5, max(history.epochs_planned, 1) + 0.5],
        dtick=1 if history.epochs_planned <= 12 else None,
    )
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    figure.update_layout(title=title, margin=dict(t=70, b=80), legend=dict(orientation="h", y=-0.35))
    return figure


def confusion_heatmap(confusion: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Rows are the true classes, columns what the network said; the diagonal is what it got right."""
    figure = go.Figure(
        go.Heatmap(
            z=confusion,
            x=list(class_names),
            y=list(class_names),
            colorscale="Blues",
            text=confusion,
            texttemplate="%{text}",
            hovertemplate="true %{y}<br>predicted %{x}<br>%{z} images<extra></extra>",
            colorbar=dict(title="images"),
        )
    )
    figure.update_layout(
        title="Confusion matrix on held-out images",
        xaxis_title="predicted class",
        yaxis_title="true class",
        yaxis_autorange="reversed",
        margin=dict(t=50),
        height=520,
    )
    return figure


def per_class_bars(accuracy: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Test accuracy for each class, lowest first, so the hard classes stand out."""
    order = np.argsort(accuracy)
    figure = go.Figure(
        go.Bar(
            x=accuracy[order],
            y=[class_names[index] for index in order],
            orientation="h",
            text=[f"{value:.1%}" for value in accuracy[order]],
            textposition="auto",
        )
    )
    figure.update_layout(
        title="Accuracy per class", xaxis=dict(title="test accuracy", range=[0, 1], tickformat=".0%"), height=420
    )
    return figure


def probability_bars(
    probabilities: np.ndarray,
    class_names: Sequence[str],
    true_label: int,
    title: str = "The network's probabilities for this image (green: the true class)",
) -> go.Figure:
    """What the network believes about one image: a probability per class, the true one marked."""
    colours = ["seagreen" if index == true_label else "steelblue" for index in range(len(class_names))]
    figure = go.Figure(
        go.Bar(x=list(class_names), y=probabilities, marker_color=colours, text=[f"{p:.1%}" for p in probabilities])
    )
    figure.update_layout(
        title=title,
        yaxis=dict(title="probability", range=[0, 1.05], tickformat=".0%"),
        height=360,
        margin=dict(t=50),
    )
    return figure


def pixel_histogram(raw: np.ndarray, scaled: np.ndarray) -> go.Figure:
    """The same pixels before and after dividing by 255: same shape, a range networks train well on."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("raw pixels: 0 to 255", "scaled pixels: 0 to 1"))
    figure.add_trace(go.Histogram(x=raw, nbinsx=52, name="raw"), row=1, col=1)
    figure.add_trace(go.Histogram(x=scaled, nbinsx=52, name="scaled"), row=1, col=2)
    figure.update_yaxes(type="log", title_text="pixels (log scale)", row=1, col=1)
    figure.update_yaxes(type="log", row=1, col=2)
    figure.update_layout(showlegend=False, height=300, margin=dict(t=40, b=30))
    return figure


def accuracy_overlay(histories: Sequence[tuple[str, Sequence[float]]]) -> go.Figure:
    """Training accuracy per epoch of several runs, for comparison."""
    figure = go.Figure()
    for label, accuracy in histories:
        figure.add_trace(go.Scatter(x=np.arange(1, len(accuracy) + 1), y=accuracy, mode="lines+markers", name=label))
    figure.update_layout(
        title="Training accuracy per epoch, all your runs",
        xaxis_title="epoch",
        yaxis=dict(title="accuracy", tickformat=".0%"),
        legend_title="run",
    )
    return figure
