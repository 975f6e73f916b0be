"""Lesson 2's pixel histogram, checked against the values it is given."""

from __future__ import annotations

import numpy as np

from core.computer_vision import charts


def test_pixel_histogram_shows_the_raw_and_scaled_values_on_log_axes():
    raw = np.array([0, 0, 17, 128, 255], dtype=np.uint8)
    scaled = raw.astype(np.float32) / 255.0
    figure = charts.pixel_histogram(raw, scaled)
    assert [trace.type for trace in figure.data] == ["histogram", "histogram"]
    np.testing.assert_array_equal(figure.data[0].x, raw)
    np.testing.assert_array_equal(figure.data[1].x, scaled)
    assert (figure.data[0].xaxis, figure.data[1].xaxis) == ("x", "x2")  # side by side, one panel each
    assert figure.layout.yaxis.type == "log" and figure.layout.yaxis2.type == "log"
