"""Lesson 1's figures, checked against the fit they are drawn from."""

from __future__ import annotations

import numpy as np
import pytest

from core.hello_world import charts, neuron

POINTS = neuron.make_points(neuron.LineDataConfig())


def test_fitted_line_animation_ends_on_the_learned_line():
    fit = neuron.fit_line(POINTS, neuron.NeuronConfig(epochs=300))
    figure = charts.fitted_line(fit, 7.0)
    assert len(figure.frames) <= 61 and figure.frames[0].name == "0" and figure.frames[-1].name == "300"
    line = figure.data[1]
    np.testing.assert_allclose(line.y, fit.weight * np.array(line.x) + fit.bias)
    first_line = figure.frames[0].data[1]
    np.testing.assert_allclose(first_line.y, fit.initial_weight * np.array(first_line.x) + fit.initial_bias)
    assert figure.data[2].y[0] == fit.predict(7.0)


def test_loss_curve_marks_divergence_and_landscape_draws_the_path():
    fit = neuron.fit_line(POINTS, neuron.NeuronConfig(learning_rate=1.0, epochs=200))
    figure = charts.loss_curve(fit)
    assert any(f"epoch {fit.diverged_at}" in annotation.text for annotation in figure.layout.annotations)
    good = neuron.fit_line(POINTS, neuron.NeuronConfig(epochs=100))
    landscape = charts.loss_landscape(good)
    path = landscape.data[1]
    assert path.x[0] == good.initial_weight and path.y[0] == good.initial_bias
    assert landscape.data[3].x[0] == pytest.approx(0.5)  # the lowest loss sits on the true rule
