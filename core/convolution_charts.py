"""Lesson 3's pictures of what convolutions see: feature maps, filters, and dense-vs-CNN runs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.runs import RunRecord


def _image_cell(figure: go.Figure, image: np.ndarray, row: int, column: int, colorscale: str = "Inferno") -> None:
    """One picture: black for no response, bright for a strong one (each scaled to its own maximum)."""
    low, high = float(np.min(image)), float(np.max(image))
    figure.add_trace(
        go.Heatmap(
            z=image,
            colorscale=colorscale,
            zmin=low,
            zmax=high if high > low else low + 1,
            showscale=False,
            hoverinfo="skip",
        ),
        row=row,
        col=column,
    )


def feature_map_grid(
    images: np.ndarray, maps: Sequence[np.ndarray], layer_names: Sequence[str], filter_index: int
) -> go.Figure:
    """The course's grid: one row per image, the input and then every convolution and pooling
    layer's output for one filter."""
    titles = ["input", *(f"{name}<br>{m.shape[1]}×{m.shape[2]}" for name, m in zip(layer_names, maps, strict=True))]
    figure = make_subplots(
        rows=len(images), cols=len(maps) + 1, column_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.03
    )
    for row, image in enumerate(images, start=1):
        _image_cell(figure, image, row, 1, colorscale="gray")
        for column, layer_maps in enumerate(maps, start=2):
            _image_cell(figure, layer_maps[row - 1, :, :, filter_index], row, column)
    _picture_axes(figure)
    figure.update_layout(
        title=f"Filter {filter_index}: what each layer outputs (bright = strong response)",
        height=170 * len(images) + 90,
        margin=dict(t=110, b=10, l=10, r=10),
    )
    return figure


def mosaic(tiles: np.ndarray, columns: int, normalise: bool = True) -> np.ndarray:
    """Tiles (n, h, w) laid out in a grid with one-pixel gaps (NaN, drawn blank), each tile scaled
    to 0..1 on its own when `normalise`; one picture draws far faster than dozens of subplots."""
    count, height, width = tiles.shape
    rows = int(np.ceil(count / columns))
    canvas = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan)
    for index, tile in enumerate(tiles):
        if normalise:
            low, high = float(tile.min()), float(tile.max())
            tile = (tile - low) / (high - low) if high > low else np.zeros_like(tile)
        row, column = divmod(index, columns)
        canvas[
            row * (height + 1) : row * (height + 1) + height, column * (width + 1) : column * (width + 1) + width
        ] = tile
    return canvas


def all_filters_grid(layer_maps: np.ndarray, layer_name: str, columns: int = 16) -> go.Figure:
    """Every filter of one layer for one image: each is a different detector."""
    tiles = np.transpose(layer_maps, (2, 0, 1))
    figure = go.Figure(go.Heatmap(z=mosaic(tiles, columns), colorscale="Inferno", showscale=False, hoverinfo="skip"))
    _picture_axes(figure)
    figure.update_yaxes(scaleanchor="x")
    figure.update_layout(title=f"All {len(tiles)} filters of {layer_name}", margin=dict(t=50, b=10, l=10, r=10))
    return figure


def kernel_grid(kernels: np.ndarray, columns: int = 16) -> go.Figure:
    """The first layer's learned filters, drawn as tiny images (blue negative, red positive)."""
    limit = float(np.abs(kernels).max()) or 1.0
    figure = go.Figure(
        go.Heatmap(
            z=mosaic(kernels, columns, normalise=False),
            colorscale="RdBu_r",
            zmin=-limit,
            zmax=limit,
            showscale=False,
            hoverinfo="skip",
        )
    )
    _picture_axes(figure)
    figure.update_yaxes(scaleanchor="x")
    figure.update_layout(
        title="The first layer's learned filters (red: positive weight, blue: negative)",
        margin=dict(t=50, b=10, l=10, r=10),
    )
    return figure


def _picture_axes(figure: go.Figure) -> None:
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed", scaleanchor=None)


def dense_vs_cnn_table(runs: Sequence[RunRecord]) -> pd.DataFrame:
    """The learner's runs of both lessons side by side: accuracy, time and size."""
    return pd.DataFrame(
        [
            {
                "network": "CNN" if run.lesson == "Convolutions" else "dense",
                "run": run.number,
                "epochs run": len(run.loss),
                "test accuracy": run.results.get("test accuracy"),
                "training time (s)": round(run.seconds, 1),
                "parameters": run.results.get("parameters"),
            }
            for run in runs
        ]
    )


def dense_vs_cnn_chart(table: pd.DataFrame) -> go.Figure:
    """Test accuracy against training time, one dot per run; the CNN's dots sit higher and to the right."""
    figure = go.Figure()
    for network, rows in table.groupby("network"):
        figure.add_trace(
            go.Scatter(
                x=rows["training time (s)"],
                y=rows["test accuracy"],
                mode="markers+text",
                text=[f"#{run}" for run in rows["run"]],
                textposition="top center",
                marker=dict(size=14),
                name=network,
                customdata=rows["parameters"],
                hovertemplate="%{y:.2%} in %{x:.1f} s<br>%{customdata:,} parameters<extra>" + network + "</extra>",
            )
        )
    figure.update_layout(
        title="Dense network vs CNN: test accuracy and training time of your runs",
        xaxis_title="training time (s)",
        yaxis=dict(title="test accuracy", tickformat=".0%", range=[0, 1.02]),
        legend_title="network",
    )
    return figure
