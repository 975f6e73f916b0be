"""Pictures of what convolutions see, shared by Lessons 3 and 4: feature maps layer by layer, every
filter of a layer, and the first layer's learned filters."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.base import language

# A chart's width on a laptop (a lesson's page at full width, 1280 px screen). Plotly cannot size a
# figure's height to its width, so each grid's height is chosen to fit its pictures at this width:
# a fixed height left large empty bands above and below a wide mosaic.
TYPICAL_WIDTH_PX = 800
MOSAIC_MARGIN = dict(t=50, b=10, l=10, r=10)


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
    images: np.ndarray,
    maps: Sequence[np.ndarray],
    layer_names: Sequence[str],
    filter_index: int,
    *,
    words: language.Words,
) -> go.Figure:
    """The course's grid: one row per image, the input and then every convolution and pooling
    layer's output for one filter."""
    titles = [
        words("charts.feature_maps.input"),
        *(
            words("charts.feature_maps.column", layer_name=name, height=m.shape[1], width=m.shape[2])
            for name, m in zip(layer_names, maps, strict=True)
        ),
    ]
    figure = make_subplots(
        rows=len(images), cols=len(maps) + 1, column_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.03
    )
    for row, image in enumerate(images, start=1):
        _image_cell(figure, image, row, 1, colorscale="gray")
        for column, layer_maps in enumerate(maps, start=2):
            _image_cell(figure, layer_maps[row - 1, :, :, filter_index], row, column)
    _picture_axes(figure)
    columns = len(maps) + 1
    tile = (TYPICAL_WIDTH_PX - 20) * (1 - 0.02 * (columns - 1)) / columns  # square pictures at that width
    figure.update_layout(
        title=words("charts.feature_maps.grid_title", filter=filter_index),
        height=round(110 + 10 + len(images) * tile * 1.03),
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


def all_filters_grid(layer_maps: np.ndarray, layer_name: str, columns: int = 16, *, words: language.Words) -> go.Figure:
    """Every filter of one layer for one image: each is a different detector."""
    tiles = np.transpose(layer_maps, (2, 0, 1))
    figure = go.Figure(go.Heatmap(z=mosaic(tiles, columns), colorscale="Inferno", showscale=False, hoverinfo="skip"))
    _picture_axes(figure)
    figure.update_yaxes(scaleanchor="x")
    figure.update_layout(
        title=words("charts.feature_maps.mosaic_title", count=len(tiles), layer_name=layer_name), **_mosaic_size(figure)
    )
    return figure


def kernel_grid(kernels: np.ndarray, columns: int = 16, *, words: language.Words) -> go.Figure:
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
    figure.update_layout(title=words("charts.feature_maps.first_layer_title"), **_mosaic_size(figure))
    return figure


def _mosaic_size(figure: go.Figure) -> dict:
    """A mosaic's height for its shape at the typical width, so it fills the figure instead of
    floating in a band of white."""
    rows, columns = np.shape(figure.data[0].z)
    drawn = (TYPICAL_WIDTH_PX - MOSAIC_MARGIN["l"] - MOSAIC_MARGIN["r"]) * rows / columns
    return dict(height=round(drawn + MOSAIC_MARGIN["t"] + MOSAIC_MARGIN["b"]), margin=MOSAIC_MARGIN)


def _picture_axes(figure: go.Figure) -> None:
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed", scaleanchor=None)
