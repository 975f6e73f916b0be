"""Plotly figures for Lesson 1: the loss falling, the line settling, and the path down the loss
surface. Each is built from plain arrays so a test can check what it draws, and labelled in the
learner's language (`words`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.base import language
from core.hello_world.neuron import LineFit, least_squares, loss_surface


def loss_curve(fit: LineFit, log_scale: bool = True, *, words: language.Words) -> go.Figure:
    """Mean squared error per epoch, with the divergence marked when the loss exploded."""
    epochs = np.arange(1, len(fit.loss) + 1)
    loss = words("hello_world.charts.loss")
    figure = go.Figure(go.Scatter(x=epochs, y=fit.loss, mode="lines", name=loss))
    if fit.diverged_at is not None:
        figure.add_vline(
            x=fit.diverged_at,
            line_color="crimson",
            line_dash="dash",
            annotation_text=words("hello_world.charts.loss_curve.diverged", epoch=fit.diverged_at),
            annotation_position="top left",
        )
    figure.update_layout(
        title=words("hello_world.charts.loss_curve.title"),
        xaxis_title=words("hello_world.charts.epoch"),
        yaxis_title=words("hello_world.charts.loss_curve.y_axis_log") if log_scale else loss,
        margin=dict(t=50, b=40),
        showlegend=False,
    )
    if log_scale:
        figure.update_yaxes(type="log")
    return figure


def _frame_epochs(num_epochs: int, max_frames: int = 60) -> list[int]:
    """Epochs to animate: dense at the start, where the line moves most, then spread out."""
    if num_epochs <= max_frames:
        return list(range(0, num_epochs + 1))
    geometric = np.unique(np.geomspace(1, num_epochs, max_frames).astype(int))
    return [0, *geometric.tolist()]


def fitted_line(fit: LineFit, query_x: float, *, words: language.Words) -> go.Figure:
    """The data, the learned line, and an epoch slider (with Play) that replays the training."""
    xs = np.array(fit.points.xs)
    x_low, x_high = min(xs.min(), query_x) - 1, max(xs.max(), query_x) + 1
    line_x = np.array([x_low, x_high])
    weights = np.concatenate([[fit.initial_weight], fit.weights])
    biases = np.concatenate([[fit.initial_bias], fit.biases])
    epochs = _frame_epochs(len(fit.weights))
    line_name = words("hello_world.charts.fitted_line.line")
    query_name = words("hello_world.labels.prediction_at", x=query_x)

    def line_at(epoch: int) -> go.Scatter:
        return go.Scatter(x=line_x, y=weights[epoch] * line_x + biases[epoch], mode="lines", name=line_name)

    def query_at(epoch: int) -> go.Scatter:
        return go.Scatter(
            x=[query_x],
            y=[weights[epoch] * query_x + biases[epoch]],
            mode="markers",
            marker=dict(symbol="star", size=14, color="darkorange"),
            name=query_name,
        )

    data_points = go.Scatter(
        x=xs, y=fit.points.ys, mode="markers", marker=dict(size=10), name=words("hello_world.charts.fitted_line.points")
    )
    last = epochs[-1]
    figure = go.Figure(
        data=[data_points, line_at(last), query_at(last)],
        frames=[go.Frame(data=[data_points, line_at(e), query_at(e)], name=str(e)) for e in epochs],
    )
    y_low, y_high = _y_range(fit, line_x)
    figure.update_layout(
        title=words("hello_world.charts.fitted_line.title"),
        xaxis=dict(title="x", range=[x_low, x_high]),
        yaxis=dict(title="y", range=[y_low, y_high]),
        margin=dict(t=50, b=110),
        updatemenus=[
            dict(
                type="buttons",
                showactive=False,
                x=0.0,
                y=-0.12,
                xanchor="left",
                yanchor="top",
                pad=dict(t=30),
                buttons=[
                    dict(
                        label=words("hello_world.charts.fitted_line.play"),
                        method="animate",
                        args=[
                            None,
                            dict(frame=dict(duration=80, redraw=True), fromcurrent=False, transition=dict(duration=0)),
                        ],
                    )
                ],
            )
        ],
        sliders=[
            dict(
                active=len(epochs) - 1,
                currentvalue=dict(prefix=words("hello_world.charts.fitted_line.slider_prefix"), xanchor="right"),
                x=0.12,
                len=0.88,
                y=-0.12,
                yanchor="top",
                steps=[
                    dict(
                        label=str(e),
                        method="animate",
                        args=[
                            [str(e)],
                            dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0)),
                        ],
                    )
                    for e in epochs
                ],
            )
        ],
    )
    return figure


def _y_range(fit: LineFit, line_x: np.ndarray) -> tuple[float, float]:
    """The data and the learned line across the chart, with a small margin. The early epochs'
    lines may leave it while the animation plays: fitting them in squeezed the data into a strip.
    A line that diverged, or wandered far off, is cut at three spreads of the data."""
    data = np.asarray(fit.points.ys, dtype=float)
    spread = max(1.0, float(np.ptp(data)))
    line = fit.weight * line_x + fit.bias
    line = np.clip(line[np.isfinite(line)], data.min() - 3 * spread, data.max() + 3 * spread)
    values = np.concatenate([data, line])
    low, high = float(values.min()), float(values.max())
    margin = max(0.25, 0.08 * (high - low))
    return low - margin, high + margin


def loss_landscape(fit: LineFit, *, words: language.Words) -> go.Figure:
    """Contours of the loss over (w, b) and the path gradient descent took across them."""
    weights = np.concatenate([[fit.initial_weight], fit.weights])
    biases = np.concatenate([[fit.initial_bias], fit.biases])
    best_w, best_b = least_squares(fit.points)
    finite = np.isfinite(weights) & np.isfinite(biases) & (np.abs(weights) < 1e3) & (np.abs(biases) < 1e3)
    path_w, path_b = weights[finite], biases[finite]
    w_span = [min(path_w.min(), best_w), max(path_w.max(), best_w)]
    b_span = [min(path_b.min(), best_b), max(path_b.max(), best_b)]
    pad_w = max(0.25, 0.2 * (w_span[1] - w_span[0]))
    pad_b = max(0.5, 0.2 * (b_span[1] - b_span[0]))
    grid_w, grid_b, losses = loss_surface(
        fit.points, (w_span[0] - pad_w, w_span[1] + pad_w), (b_span[0] - pad_b, b_span[1] + pad_b)
    )
    figure = go.Figure(
        go.Contour(
            x=grid_w,
            y=grid_b,
            z=np.log10(losses + 1e-12),
            colorscale="Viridis",
            colorbar=dict(title=words("hello_world.charts.loss_landscape.colorbar")),
            contours=dict(showlabels=False),
            name=words("hello_world.charts.loss"),
        )
    )
    step = max(1, len(path_w) // 400)  # A few hundred points draw the path faithfully.
    figure.add_trace(
        go.Scatter(
            x=path_w[::step],
            y=path_b[::step],
            mode="lines+markers",
            marker=dict(size=4, color="white"),
            line=dict(color="white"),
            name=words("hello_world.charts.loss_landscape.path"),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[path_w[0]],
            y=[path_b[0]],
            mode="markers",
            marker=dict(size=12, color="orange"),
            name=words("hello_world.charts.loss_landscape.start"),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[best_w],
            y=[best_b],
            mode="markers",
            marker=dict(size=14, symbol="x", color="red"),
            name=words("hello_world.charts.loss_landscape.lowest", w=best_w, b=best_b),
        )
    )
    figure.update_layout(
        title=words("hello_world.charts.loss_landscape.title"),
        xaxis_title=words("hello_world.charts.loss_landscape.x_axis"),
        yaxis_title=words("hello_world.charts.loss_landscape.y_axis"),
        legend=dict(orientation="h", y=-0.2),
        margin=dict(t=50, b=40),
    )
    return figure
