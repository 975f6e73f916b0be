"""Lesson 3's pictures: the mosaic layout and the feature-map grid against the arrays they show."""

from __future__ import annotations

import numpy as np

from core import convolution_charts


def test_mosaic_places_each_tile_with_one_pixel_gaps():
    tiles = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    canvas = convolution_charts.mosaic(tiles, columns=2, normalise=False)
    assert canvas.shape == (3 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(canvas[0:2, 0:3], tiles[0])
    np.testing.assert_array_equal(canvas[0:2, 4:7], tiles[1])
    np.testing.assert_array_equal(canvas[6:8, 0:3], tiles[4])
    assert np.all(np.isnan(canvas[2, :])) and np.all(np.isnan(canvas[6:8, 4:7]))  # gap row, empty slot


def test_mosaic_normalises_each_tile_on_its_own():
    tiles = np.stack([np.array([[0.0, 2.0]]), np.array([[10.0, 30.0]]), np.full((1, 2), 7.0)])
    canvas = convolution_charts.mosaic(tiles, columns=3)
    np.testing.assert_array_equal(canvas[0, [0, 1, 3, 4, 6, 7]], [0, 1, 0, 1, 0, 0])


def test_feature_map_grid_has_a_row_per_image_and_a_column_per_layer():
    images = np.zeros((3, 28, 28))
    maps = [np.random.default_rng(0).random((3, 26, 26, 8)), np.random.default_rng(1).random((3, 13, 13, 8))]
    figure = convolution_charts.feature_map_grid(images, maps, ["conv", "pool"], filter_index=4)
    assert len(figure.data) == 3 * 3
    np.testing.assert_array_equal(figure.data[1].z, maps[0][0, :, :, 4])  # image 1, first layer, filter 4
    np.testing.assert_array_equal(figure.data[5].z, maps[1][1, :, :, 4])  # image 2, second layer
