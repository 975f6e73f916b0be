"""The weights-and-gradients chart against the record it is drawn from: traces, frames and slider."""

from __future__ import annotations

import numpy as np
import pytest

from core.base import language, weight_histograms
from core.charts import histogram_charts

EN, KO = language.words("en"), language.words("ko")


def record(epochs: int) -> weight_histograms.WeightHistograms:
    """Two layers; the second's gradients die a little more each epoch (a quarter, then half...)."""
    rng = np.random.default_rng(0)
    layers = (weight_histograms.KernelLayer("Conv2D", (3, 3, 1, 8)), weight_histograms.KernelLayer("Dense", (8, 10)))
    kept = weight_histograms.WeightHistograms(layers, sample_size=64)
    for epoch in range(epochs + 1):
        dying = rng.normal(size=(8, 10))
        dying.ravel()[: epoch * 20] = 0.0
        kept.add(
            epoch, [rng.normal(size=(3, 3, 1, 8)), rng.normal(size=(8, 10))], [rng.normal(size=(3, 3, 1, 8)), dying]
        )
    return kept


def test_one_row_per_layer_three_traces_each_and_a_slider_step_per_epoch():
    kept = record(epochs=3)
    figure = histogram_charts.weights_over_epochs(kept, words=EN)
    assert len(figure.data) == 2 * histogram_charts.TRACES_PER_LAYER
    assert [frame.name for frame in figure.frames] == ["0", "1", "2", "3"]
    assert all(len(frame.data) == len(figure.data) for frame in figure.frames)
    [slider] = figure.layout.sliders
    assert [step.label for step in slider.steps] == ["start", "1", "2", "3"]
    assert [list(step.args[0]) for step in slider.steps] == [["0"], ["1"], ["2"], ["3"]]
    assert slider.active == 3  # it opens on the trained network, the last epoch
    np.testing.assert_allclose(figure.data[3].y, figure.frames[-1].data[3].y)
    assert "64 training images" in figure.layout.title.text
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert "Conv2D 1 · 3×3×1×8" in titles and "Dense 2 · 8×10" in titles
    # The weights on the left (x1, x3), the gradients and their zeros on the right (x2, x4).
    assert [trace.xaxis for trace in figure.data] == ["x", "x2", "x2", "x3", "x4", "x4"]


def test_exact_zero_gradients_are_drawn_apart_and_the_shares_add_up():
    kept = record(epochs=3)
    figure = histogram_charts.weights_over_epochs(kept, words=EN)
    last = figure.frames[-1].data
    gradients, zeros = last[4], last[5]
    assert zeros.y[0] == pytest.approx(60 / 80)  # three epochs of 20 dead weights
    assert sum(gradients.y) + zeros.y[0] == pytest.approx(1.0)
    np.testing.assert_allclose(last[3].y, kept.epochs[-1].weights[1].counts / 80)


def test_the_weights_axes_keep_one_range_over_the_epochs():
    kept = record(epochs=3)
    figure = histogram_charts.weights_over_epochs(kept, words=KO)
    low = min(epoch.weights[0].low for epoch in kept.epochs)
    high = max(epoch.weights[0].high for epoch in kept.epochs)
    x_range = figure.layout.xaxis.range
    assert x_range[0] < low and x_range[1] > high
    assert figure.layout.sliders[0].steps[0].label == "시작"


def test_a_record_without_epochs_is_refused():
    empty = weight_histograms.WeightHistograms((weight_histograms.KernelLayer("Dense", (2, 2)),), sample_size=1)
    with pytest.raises(ValueError, match="No epoch"):
        histogram_charts.weights_over_epochs(empty, words=EN)


def test_the_gradients_axes_follow_each_epochs_spread():
    kept = record(epochs=2)
    figure = histogram_charts.weights_over_epochs(kept, words=EN)
    for frame, epoch in zip(figure.frames, kept.epochs, strict=True):
        reach = max(abs(epoch.gradients[1].low), abs(epoch.gradients[1].high))
        assert frame.layout.xaxis4.range == pytest.approx((-1.05 * reach, 1.05 * reach))
    assert figure.layout.xaxis4.range == figure.frames[-1].layout.xaxis4.range  # shown first: the last epoch
