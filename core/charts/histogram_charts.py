"""Lessons 2-4, TensorBoard's Histograms tab: each layer's kernel weights and their gradients,
epoch by epoch, with a slider over the epochs (`core.base.weight_histograms` holds the counts)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.base import language
from core.base.weight_histograms import EpochHistograms, Histogram, WeightHistograms

WEIGHT_COLOUR, GRADIENT_COLOUR, ZERO_COLOUR = "#1f77b4", "#ff7f0e", "#d62728"
ROW_HEIGHT_PX = 190
TRACES_PER_LAYER = 3  # the weights, the gradients, and the gradients that are exactly zero


def _shares(histogram: Histogram) -> np.ndarray:
    """Each bin's share of the kernel's values, so that layers of any size compare."""
    return histogram.counts / max(histogram.total, 1)


def _bars(histogram: Histogram, colour: str, hover: str, leave_out_zeros: bool = False) -> go.Bar:
    """One histogram as bars at its own bins. With `leave_out_zeros`, the values that are exactly
    zero leave their bin, to be drawn apart (`_zero_bar`)."""
    shares = _shares(histogram)
    zero_bin = histogram.bin_of(0.0)
    if leave_out_zeros and histogram.zeros and zero_bin is not None:
        shares = shares.copy()
        shares[zero_bin] -= histogram.zeros / max(histogram.total, 1)
    edges = histogram.edges
    return go.Bar(
        x=(edges[:-1] + edges[1:]) / 2,
        y=shares,
        width=np.diff(edges),
        marker_color=colour,
        marker_line_width=0,
        hovertemplate=hover,
        showlegend=False,
    )


def _zero_bar(histogram: Histogram, hover: str) -> go.Bar:
    """The values that are exactly zero, as one narrow red bar at zero (none: an empty bar)."""
    share = histogram.zeros / max(histogram.total, 1)
    width = (histogram.high - histogram.low) / max(len(histogram.counts), 1) or 1e-12
    return go.Bar(
        x=[0.0],
        y=[share],
        width=[width / 3],
        marker_color=ZERO_COLOUR,
        hovertemplate=hover,
        showlegend=False,
    )


def _epoch_traces(epoch: EpochHistograms, words: language.Words) -> list[go.Bar]:
    """The traces of one epoch, layer by layer: weights, gradients, exactly-zero gradients."""
    weight_hover = words("charts.histograms.hover_weights")
    gradient_hover = words("charts.histograms.hover_gradients")
    zero_hover = words("charts.histograms.hover_zero")
    traces = []
    for weights, gradients in zip(epoch.weights, epoch.gradients, strict=True):
        traces += [
            _bars(weights, WEIGHT_COLOUR, weight_hover),
            _bars(gradients, GRADIENT_COLOUR, gradient_hover, leave_out_zeros=True),
            _zero_bar(gradients, zero_hover),
        ]
    return traces


def _gradient_ranges(epoch: EpochHistograms) -> dict[str, dict[str, list[float]]]:
    """Each gradient axis's range for one epoch, symmetric about zero: gradients shrink by orders
    of magnitude as a run learns, so each epoch is shown at its own scale (the axis numbers say
    which), while the weights keep one range over all epochs."""
    ranges = {}
    for row, gradients in enumerate(epoch.gradients, start=1):
        reach = max(abs(gradients.low), abs(gradients.high)) * 1.05 or 1e-9
        ranges[f"xaxis{2 * row}"] = {"range": [-reach, reach]}
    return ranges


def _epoch_label(epoch: int, words: language.Words) -> str:
    return words("charts.histograms.start") if epoch == 0 else str(epoch)


def weights_over_epochs(histograms: WeightHistograms, *, words: language.Words) -> go.Figure:
    """One row per recorded layer, its kernel's weights on the left and their gradients on the
    right (exactly-zero gradients apart, in red), and a slider over the epochs. The weights keep
    one range over all the epochs, so weights that widen or never move show as the slider moves;
    the gradients' range follows each epoch (`_gradient_ranges`); the shares keep one scale, so a
    growing red bar shows. It opens on the last epoch, the trained network; the slider goes back
    to the start."""
    if not histograms.epochs:
        raise ValueError("No epoch has been recorded yet.")
    layers = histograms.layers
    figure = make_subplots(
        rows=len(layers),
        cols=2,
        column_titles=[words("charts.histograms.weights"), words("charts.histograms.gradients")],
        row_titles=[
            words("charts.histograms.layer", kind=layer.kind, number=number, shape="×".join(map(str, layer.shape)))
            for number, layer in enumerate(layers, start=1)
        ],
        horizontal_spacing=0.08,
        vertical_spacing=0.35 / max(len(layers), 1),
    )
    shown = histograms.epochs[-1]
    for index, trace in enumerate(_epoch_traces(shown, words)):
        figure.add_trace(trace, row=index // TRACES_PER_LAYER + 1, col=1 if index % TRACES_PER_LAYER == 0 else 2)
    figure.frames = [
        go.Frame(data=_epoch_traces(epoch, words), layout=_gradient_ranges(epoch), name=str(epoch.epoch))
        for epoch in histograms.epochs
    ]
    figure.update_layout(_gradient_ranges(shown))
    for row in range(len(layers)):
        weights = [epoch.weights[row] for epoch in histograms.epochs]
        low, high = min(h.low for h in weights), max(h.high for h in weights)
        margin = (high - low) * 0.03 or 1e-6
        figure.update_xaxes(range=[low - margin, high + margin], row=row + 1, col=1)
        for column, kind in ((1, "weights"), (2, "gradients")):
            kept = [getattr(epoch, kind)[row] for epoch in histograms.epochs]
            tallest = max(float(_shares(h).max(initial=0.0)) for h in kept)
            figure.update_yaxes(range=[0, tallest * 1.08 or 1.0], tickformat=".0%", row=row + 1, col=column)
    steps = [
        {
            "label": _epoch_label(epoch.epoch, words),
            "method": "animate",
            "args": [[str(epoch.epoch)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}],
        }
        for epoch in histograms.epochs
    ]
    figure.update_layout(
        title=words("charts.histograms.title", sample=histograms.sample_size),
        height=230 + ROW_HEIGHT_PX * len(layers),
        bargap=0,
        margin=dict(t=80, b=90, l=10, r=40),
        sliders=[
            {
                "active": len(steps) - 1,
                "steps": steps,
                "currentvalue": {"prefix": words("charts.histograms.epoch") + " "},
                "pad": {"t": 40},
            }
        ],
    )
    return figure
