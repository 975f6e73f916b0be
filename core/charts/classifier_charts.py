"""The views of a trained classifier's results, shared by the image lessons: the confusion matrix,
accuracy per class, and the probabilities the network gives one image."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.base import language, text


def confusion_heatmap(confusion: np.ndarray, class_names: Sequence[str], *, words: language.Words) -> go.Figure:
    """Rows are the true classes, columns what the network said; the diagonal is what it got right."""
    labels = [text.chart_label(name) for name in class_names]  # a learner's folder names, shown as typed
    figure = go.Figure(
        go.Heatmap(
            z=confusion,
            x=labels,
            y=labels,
            colorscale="Blues",
            text=confusion,
            texttemplate="%{text}",
            hovertemplate=words("charts.confusion.hover"),  # plotly's own %{...} fields, no placeholders
            colorbar=dict(title=words("charts.confusion.colour_bar")),
        )
    )
    figure.update_layout(
        title=words("charts.confusion.title"),
        xaxis_title=words("charts.confusion.x_axis"),
        yaxis_title=words("charts.confusion.y_axis"),
        yaxis_autorange="reversed",
        margin=dict(t=50),
        height=520,
    )
    return figure


def per_class_bars(accuracy: np.ndarray, class_names: Sequence[str], *, words: language.Words) -> go.Figure:
    """Test accuracy for each class, lowest first, so the hard classes stand out."""
    order = np.argsort(accuracy)
    figure = go.Figure(
        go.Bar(
            x=accuracy[order],
            y=[text.chart_label(class_names[index]) for index in order],
            orientation="h",
            text=[words.percent(value) for value in accuracy[order]],
            textposition="auto",
        )
    )
    figure.update_layout(
        title=words("charts.per_class.title"),
        xaxis=dict(title=words("charts.per_class.x_axis"), range=[0, 1], tickformat=".0%"),
        height=420,
    )
    return figure


def probability_bars(
    probabilities: np.ndarray,
    class_names: Sequence[str],
    true_label: int,
    title: str | None = None,
    *,
    words: language.Words,
) -> go.Figure:
    """What the network believes about one image: a probability per class, the true one marked."""
    colours = ["seagreen" if index == true_label else "steelblue" for index in range(len(class_names))]
    figure = go.Figure(
        go.Bar(
            x=[text.chart_label(name) for name in class_names],
            y=probabilities,
            marker_color=colours,
            text=[words.percent(p) for p in probabilities],
        )
    )
    figure.update_layout(
        title=title or words("charts.probabilities.title"),
        yaxis=dict(title=words("charts.probabilities.y_axis"), range=[0, 1.05], tickformat=".0%"),
        xaxis=dict(type="category"),  # MNIST's classes "0"-"9" would otherwise make a number axis, ticked 0, 2, 4…
        height=360,
        margin=dict(t=50),
    )
    return figure
