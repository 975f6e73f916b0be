"""Lesson 2's chart of why the course divides pixels by 255."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots


def pixel_histogram(raw: np.ndarray, scaled: np.ndarray) -> go.Figure:
    """The same pixels before and after dividing by 255: same shape, a range networks train well on."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("raw pixels: 0 to 255", "scaled pixels: 0 to 1"))
    figure.add_trace(go.Histogram(x=raw, nbinsx=52, name="raw"), row=1, col=1)
    figure.add_trace(go.Histogram(x=scaled, nbinsx=52, name="scaled"), row=1, col=2)
    figure.update_yaxes(type="log", title_text="pixels (log scale)", row=1, col=1)
    figure.update_yaxes(type="log", row=1, col=2)
    figure.update_layout(showlegend=False, height=300, margin=dict(t=40, b=30))
    return figure
