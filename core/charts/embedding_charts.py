"""The map of how a network arranges the held-out images, before and after training (Lessons 2-4).

Each point is a held-out image, placed by the network's last hidden layer
(`core.engine.embedding_map`) and coloured by its true class; a ring marks the images the network
gets wrong, and the learner's own images are stars. Light: the maps arrive as plain arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.base import language, text

RING_WIDTH = 1.6  # the dark ring round an image the network gets wrong
HOVER = "%{text}<extra></extra>"  # each point's hover is its own text, said in the learner's language


class Mapped(Protocol):
    """A map of held-out images (`embedding_map.EmbeddingMap`), as the chart reads it."""

    @property
    def method(self) -> str: ...  # "pca" or "tsne"
    @property
    def points(self) -> np.ndarray: ...  # (images, 2)
    @property
    def labels(self) -> np.ndarray: ...
    @property
    def predictions(self) -> np.ndarray: ...
    @property
    def indices(self) -> np.ndarray: ...  # among the held-out images: each point's customdata
    @property
    def explained(self) -> tuple[float, float] | None: ...


@dataclass(frozen=True)
class OwnImages:
    """The learner's own images on the trained network's map, drawn as stars."""

    points: np.ndarray  # (images, 2), on the map's axes (`EmbeddingMap.project_extra`)
    names: tuple[str, ...]  # as the learner named them (a file name), shown as typed
    predictions: np.ndarray  # the class the network gives each


def class_colours(count: int) -> list[str]:
    """One colour per class: plotly's ten, or its 24 for more classes (repeating past 24)."""
    palette = plotly.colors.qualitative.Plotly if count <= 10 else plotly.colors.qualitative.Dark24
    return [palette[index % len(palette)] for index in range(count)]


def axis_titles(mapped: Mapped, *, words: language.Words) -> tuple[str, str]:
    """PCA's axes with the share of the spread each holds; t-SNE's axes, which have no meaning of their own."""
    if mapped.method == "pca" and mapped.explained is not None:
        first, second = mapped.explained
        return (
            words("charts.embedding.pca_axis", number=1, share=words.percent(first, 0)),
            words("charts.embedding.pca_axis", number=2, share=words.percent(second, 0)),
        )
    return words("charts.embedding.tsne_axis", number=1), words("charts.embedding.tsne_axis", number=2)


def before_and_after_chart(
    before: Mapped,
    after: Mapped,
    class_names: Sequence[str],
    own: OwnImages | None = None,
    *,
    words: language.Words,
) -> go.Figure:
    """The two maps side by side, one trace per class in each (one legend entry per class hides
    or shows it in both); the held-out index of each point is its customdata, so a clicked point
    can be shown. The learner's own images are stars on the trained map."""
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(words("charts.embedding.before"), words("charts.embedding.after")),
        horizontal_spacing=0.08,
    )
    colours = class_colours(len(class_names))
    labels = [text.chart_label(name) for name in class_names]
    for column, mapped in enumerate((before, after), start=1):
        for label, (name, colour) in enumerate(zip(labels, colours, strict=True)):
            members = np.flatnonzero(mapped.labels == label)
            if not len(members):
                continue
            wrong = mapped.predictions[members] != label
            figure.add_trace(
                go.Scatter(
                    x=mapped.points[members, 0],
                    y=mapped.points[members, 1],
                    mode="markers",
                    name=name,
                    legendgroup=f"class {label}",
                    showlegend=column == 1,
                    marker=dict(
                        color=colour,
                        size=6,
                        opacity=0.8,
                        line=dict(color="black", width=np.where(wrong, RING_WIDTH, 0.0)),
                    ),
                    customdata=mapped.indices[members],
                    text=[
                        words(
                            "charts.embedding.hover",
                            number=words.number(int(index)),  # as the clicked image's caption writes it
                            true_class=name,
                            said_class=labels[int(said)],
                        )
                        for index, said in zip(mapped.indices[members], mapped.predictions[members], strict=True)
                    ],
                    hovertemplate=HOVER,
                ),
                row=1,
                col=column,
            )
        x_title, y_title = axis_titles(mapped, words=words)
        figure.update_xaxes(title_text=x_title, zeroline=False, row=1, col=column)
        figure.update_yaxes(title_text=y_title, zeroline=False, row=1, col=column)
    figure.add_trace(  # the ring's meaning, in the legend only
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=words("charts.embedding.wrong_legend"),
            marker=dict(color="white", size=8, line=dict(color="black", width=RING_WIDTH)),
            hoverinfo="skip",
        ),
        row=1,
        col=2,
    )
    if own is not None and len(own.points):
        figure.add_trace(
            go.Scatter(
                x=own.points[:, 0],
                y=own.points[:, 1],
                mode="markers",
                name=words("charts.embedding.own_legend"),
                marker=dict(symbol="star", size=18, color="gold", line=dict(color="black", width=1.2)),
                text=[
                    words("charts.embedding.own_hover", name=text.chart_label(name), said_class=labels[int(said)])
                    for name, said in zip(own.names, own.predictions, strict=True)
                ],
                hovertemplate=HOVER,
            ),
            row=1,
            col=2,
        )
    figure.update_layout(  # the legend below both maps: beside them it took the maps' width in a column
        height=600,
        margin=dict(t=60),
        legend=dict(itemsizing="constant", orientation="h", yanchor="top", y=-0.14, xanchor="left", x=0),
        hoverlabel=dict(align="left"),
    )
    return figure
