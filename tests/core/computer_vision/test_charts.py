"""Lesson 2's pixel histogram, checked against NumPy's histogram of the values it is given."""

from __future__ import annotations

import numpy as np

from core.base import language
from core.computer_vision import charts


def test_pixel_histogram_counts_the_raw_and_scaled_values_on_log_axes():
    raw = np.array([0, 0, 17, 128, 255, 255, 255], dtype=np.uint8)
    scaled = raw.astype(np.float32) / 255.0
    figure = charts.pixel_histogram(raw, scaled, words=language.words("en"))
    assert [trace.type for trace in figure.data] == ["bar", "bar"]
    for trace, values, top in ((figure.data[0], raw, 255.0), (figure.data[1], scaled, 1.0)):
        counts, edges = np.histogram(values, bins=charts.BINS, range=(0.0, top))
        np.testing.assert_array_equal(trace.y, counts)
        np.testing.assert_allclose(trace.x, (edges[:-1] + edges[1:]) / 2)
        assert sum(trace.y) == len(values)  # every pixel is counted once, the 255s in the last bin
    np.testing.assert_array_equal(figure.data[0].y, figure.data[1].y)  # scaling keeps the shape
    assert (figure.data[0].xaxis, figure.data[1].xaxis) == ("x", "x2")  # side by side, one panel each
    assert figure.layout.yaxis.type == "log" and figure.layout.yaxis2.type == "log"


def test_pixel_histogram_speaks_korean_and_leaves_plotlys_fields_to_the_browser():
    raw = np.array([0, 255], dtype=np.uint8)
    figure = charts.pixel_histogram(raw, raw / 255.0, words=language.words("ko"))
    assert [annotation.text for annotation in figure.layout.annotations] == [
        "원래 픽셀: 0~255",
        "스케일 조정한 픽셀: 0~1",
    ]
    assert figure.data[0].hovertemplate == "%{x:.3g} 근처의 픽셀 %{y:,}개<extra></extra>"
    assert figure.layout.yaxis.title.text == "픽셀 수(로그 스케일)"
