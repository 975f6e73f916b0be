"""What convolutions see (Lessons 3 and 4): the mosaic layout and the grids against the arrays they show."""

from __future__ import annotations

import numpy as np
import pytest

from core.base import language
from core.charts import feature_map_charts

EN = language.words("en")


def test_mosaic_places_each_tile_with_one_pixel_gaps():
    tiles = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    canvas = feature_map_charts.mosaic(tiles, columns=2, normalise=False)
    assert canvas.shape == (3 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(canvas[0:2, 0:3], tiles[0])
    np.testing.assert_array_equal(canvas[0:2, 4:7], tiles[1])
    np.testing.assert_array_equal(canvas[6:8, 0:3], tiles[4])
    assert np.all(np.isnan(canvas[2, :])) and np.all(np.isnan(canvas[6:8, 4:7]))  # gap row, empty slot


def test_mosaic_normalises_each_tile_on_its_own():
    tiles = np.stack([np.array([[0.0, 2.0]]), np.array([[10.0, 30.0]]), np.full((1, 2), 7.0)])
    canvas = feature_map_charts.mosaic(tiles, columns=3)
    np.testing.assert_array_equal(canvas[0, [0, 1, 3, 4, 6, 7]], [0, 1, 0, 1, 0, 0])


def test_feature_map_grid_has_a_row_per_image_and_a_column_per_layer():
    images = np.zeros((3, 28, 28))
    maps = [np.random.default_rng(0).random((3, 26, 26, 8)), np.random.default_rng(1).random((3, 13, 13, 8))]
    figure = feature_map_charts.feature_map_grid(images, maps, ["conv", "pool"], filter_index=4, words=EN)
    assert len(figure.data) == 3 * 3
    np.testing.assert_array_equal(figure.data[1].z, maps[0][0, :, :, 4])  # image 1, first layer, filter 4
    np.testing.assert_array_equal(figure.data[5].z, maps[1][1, :, :, 4])  # image 2, second layer


def test_all_filters_grid_shows_every_filter_of_the_layer_as_one_mosaic():
    layer_maps = np.random.default_rng(2).random((5, 4, 6))  # one image's 5×4 maps of 6 filters
    figure = feature_map_charts.all_filters_grid(layer_maps, "conv2d", columns=4, words=EN)
    assert len(figure.data) == 1 and "All 6 filters of conv2d" in figure.layout.title.text
    expected = feature_map_charts.mosaic(np.transpose(layer_maps, (2, 0, 1)), columns=4)
    np.testing.assert_array_equal(figure.data[0].z, expected)
    tile = layer_maps[:, :, 5]  # filter 5: second row, second column of the mosaic
    np.testing.assert_allclose(figure.data[0].z[6:11, 5:9], (tile - tile.min()) / (tile.max() - tile.min()))


def test_kernel_grid_keeps_the_sign_and_centres_the_colours_on_zero():
    kernels = np.stack([np.full((3, 3), -2.0), np.full((3, 3), 0.5)])
    figure = feature_map_charts.kernel_grid(kernels, columns=2, words=EN)
    z = np.asarray(figure.data[0].z, dtype=float)
    np.testing.assert_array_equal(z[:, :3], kernels[0])  # weights, not rescaled per tile
    np.testing.assert_array_equal(z[:, 4:], kernels[1])
    assert (figure.data[0].zmin, figure.data[0].zmax) == (-2.0, 2.0)
    blank = feature_map_charts.kernel_grid(np.zeros((2, 3, 3)), words=EN)
    assert (blank.data[0].zmin, blank.data[0].zmax) == (-1.0, 1.0)  # all-zero filters still get a colour range


def drawn_height_at_typical_width(figure) -> float:
    """The height the figure leaves for its pictures at the typical width."""
    margin = figure.layout.margin
    return figure.layout.height - margin.t - margin.b


def test_mosaics_are_as_tall_as_their_pictures_at_a_laptops_width():
    """A fixed 450 px figure drew the 64 filters of a layer (a 4 × 16 mosaic) in a 200 px band
    between large empty gaps."""
    width = feature_map_charts.TYPICAL_WIDTH_PX - 20
    sixty_four = feature_map_charts.all_filters_grid(np.random.default_rng(3).random((26, 26, 64)), "conv2d", words=EN)
    rows, columns = np.shape(sixty_four.data[0].z)
    assert drawn_height_at_typical_width(sixty_four) == pytest.approx(width * rows / columns, abs=1)
    assert sixty_four.layout.height < 300
    kernels = feature_map_charts.kernel_grid(np.random.default_rng(4).normal(size=(64, 3, 3)), words=EN)
    rows, columns = np.shape(kernels.data[0].z)
    assert drawn_height_at_typical_width(kernels) == pytest.approx(width * rows / columns, abs=1)


def test_feature_map_grid_rows_are_as_tall_as_its_square_pictures():
    maps = [np.zeros((1, 148, 148, 4)), np.zeros((1, 74, 74, 4))] * 5  # Lesson 4: ten layers, one photo
    one_photo = feature_map_charts.feature_map_grid(np.zeros((1, 150, 150)), maps, ["layer"] * 10, 0, words=EN)
    course_maps = [np.zeros((3, 26, 26, 4)), np.zeros((3, 13, 13, 4))] * 2  # Lesson 3: four layers, three images
    three = feature_map_charts.feature_map_grid(np.zeros((3, 28, 28)), course_maps, ["layer"] * 4, 0, words=EN)
    tile_of_eleven = (feature_map_charts.TYPICAL_WIDTH_PX - 20) * (1 - 0.2) / 11
    assert drawn_height_at_typical_width(one_photo) == pytest.approx(tile_of_eleven, rel=0.05)
    assert drawn_height_at_typical_width(three) / 3 > drawn_height_at_typical_width(one_photo)  # wider tiles
