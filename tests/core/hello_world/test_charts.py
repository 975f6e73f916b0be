"""Lesson 1's figures, checked against the fit they are drawn from."""

from __future__ import annotations

import numpy as np
import pytest

from core.base import language
from core.hello_world import charts, neuron

EN = language.words("en")

POINTS = neuron.make_points(neuron.LineDataConfig())


def test_fitted_line_animation_ends_on_the_learned_line():
    fit = neuron.fit_line(POINTS, neuron.NeuronConfig(epochs=300))
    figure = charts.fitted_line(fit, 7.0, words=EN)
    assert len(figure.frames) <= 61 and figure.frames[0].name == "0" and figure.frames[-1].name == "300"
    line = figure.data[1]
    np.testing.assert_allclose(line.y, fit.weight * np.array(line.x) + fit.bias)
    first_line = figure.frames[0].data[1]
    np.testing.assert_allclose(first_line.y, fit.initial_weight * np.array(first_line.x) + fit.initial_bias)
    assert figure.data[2].y[0] == fit.predict(7.0)


def test_fitted_line_y_axis_fits_the_data_and_the_learned_line_with_a_small_margin():
    """The course's points lie between 1 and 3.5 and the learned line runs from about 0.5 to 4.5
    across the chart (x from 0 to 8); the axis once went down to -6 for the first epochs' lines."""
    fit = neuron.fit_line(POINTS, neuron.NeuronConfig())
    figure = charts.fitted_line(fit, 7.0, words=EN)
    low, high = figure.layout.yaxis.range
    line = figure.data[1]
    shown = [*POINTS.ys, *line.y, figure.data[2].y[0]]
    assert low < min(shown) and max(shown) < high  # everything drawn at the end is inside
    assert min(shown) - low < 0.5 and high - max(shown) < 0.5  # with a small margin
    assert low > -0.5 and high < 5.5


def test_fitted_line_y_axis_of_a_diverged_run_still_shows_the_points():
    fit = neuron.fit_line(POINTS, neuron.NeuronConfig(learning_rate=1.0, epochs=200))
    assert fit.diverged_at is not None
    low, high = charts.fitted_line(fit, 7.0, words=EN).layout.yaxis.range
    assert np.isfinite([low, high]).all() and low < min(POINTS.ys) and max(POINTS.ys) < high
    assert high - low < 10 * np.ptp(POINTS.ys)


def test_loss_curve_marks_divergence_and_landscape_draws_the_path():
    fit = neuron.fit_line(POINTS, neuron.NeuronConfig(learning_rate=1.0, epochs=200))
    figure = charts.loss_curve(fit, words=EN)
    assert any(f"epoch {fit.diverged_at}" in annotation.text for annotation in figure.layout.annotations)
    good = neuron.fit_line(POINTS, neuron.NeuronConfig(epochs=100))
    landscape = charts.loss_landscape(good, words=EN)
    path = landscape.data[1]
    assert path.x[0] == good.initial_weight and path.y[0] == good.initial_bias
    assert landscape.data[3].x[0] == pytest.approx(0.5)  # the lowest loss sits on the true rule


def test_the_charts_speak_korean():
    fit = neuron.fit_line(POINTS, neuron.NeuronConfig(learning_rate=1.0, epochs=200))
    korean = language.words("ko")
    curve = charts.loss_curve(fit, words=korean)
    assert curve.layout.title.text == "에포크별 손실(평균 제곱 오차)" and curve.layout.xaxis.title.text == "에포크"
    assert any(f"에포크 {fit.diverged_at}에서" in annotation.text for annotation in curve.layout.annotations)
    line = charts.fitted_line(fit, 7.0, words=korean)
    assert [trace.name for trace in line.data] == ["훈련 데이터 점", "뉴런의 직선", "x=7에서의 예측"]
    assert line.layout.updatemenus[0].buttons[0].label == "▶ 재생"
    landscape = charts.loss_landscape(neuron.fit_line(POINTS, neuron.NeuronConfig(epochs=50)), words=korean)
    assert landscape.layout.xaxis.title.text == "가중치 w" and landscape.data[2].name == "시작점"
