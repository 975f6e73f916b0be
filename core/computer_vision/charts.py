"""Lesson 2's chart of why the course divides pixels by 255."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.base import language

BINS = 52


def pixel_histogram(raw: np.ndarray, scaled: np.ndarray, *, words: language.Words) -> go.Figure:
    """The same pixels before and after dividing by 255: same shape, a range networks train well on.

    The counts are binned here rather than in the browser: the sample holds 1.5 million pixels,
    which as raw values made every page run send about 10 MB and every browser bin them again."""
    titles = (
        words("computer_vision.charts.pixel_histogram.raw_title"),
        words("computer_vision.charts.pixel_histogram.scaled_title"),
    )
    figure = make_subplots(rows=1, cols=2, subplot_titles=titles)
    names = (
        words("computer_vision.charts.pixel_histogram.raw"),
        words("computer_vision.charts.pixel_histogram.scaled"),
    )
    hover = words("computer_vision.charts.pixel_histogram.hover")  # Plotly's own %{...} fields, filled by the browser
    for column, (values, top, name) in enumerate(((raw, 255.0, names[0]), (scaled, 1.0, names[1])), start=1):
        counts, edges = np.histogram(values, bins=BINS, range=(0.0, top))
        figure.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts,
                width=np.diff(edges),
                name=name,
                hovertemplate=hover,
            ),
            row=1,
            col=column,
        )
    figure.update_yaxes(type="log", title_text=words("computer_vision.charts.pixel_histogram.y_axis"), row=1, col=1)
    figure.update_yaxes(type="log", row=1, col=2)
    figure.update_layout(showlegend=False, height=300, margin=dict(t=40, b=30), bargap=0)
    return figure
