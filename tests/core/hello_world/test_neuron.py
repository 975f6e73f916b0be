"""Lesson 1's neuron against the known rule, against stock `model.fit`, and on bad input."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from core.base import language
from core.hello_world import neuron

EN, KO = language.words("en"), language.words("ko")

COURSE_POINTS = neuron.make_points(neuron.LineDataConfig())


def test_course_data_is_y_equals_half_x_plus_half():
    assert COURSE_POINTS.xs == (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    assert COURSE_POINTS.ys == (1.0, 1.5, 2.0, 2.5, 3.0, 3.5)


def test_course_run_predicts_about_four_but_not_exactly():
    fit = neuron.fit_line(COURSE_POINTS, neuron.NeuronConfig())
    assert len(fit.loss) == len(fit.weights) == 1000
    assert fit.predict(7.0) == pytest.approx(4.0, abs=0.02)
    assert fit.predict(7.0) != 4.0
    assert fit.weight == pytest.approx(0.5, abs=0.01) and fit.bias == pytest.approx(0.5, abs=0.02)
    assert fit.loss[-1] < fit.loss[0] / 1000
    assert "close but not exact" in neuron.explain_prediction(fit, 7.0, words=EN)
    assert "after 1000 epochs of small steps" in neuron.explain_prediction(fit, 7.0, words=EN)
    korean = neuron.explain_prediction(fit, 7.0, words=KO)
    assert "가깝지만 정확하지는 않습니다" in korean and f"{fit.predict(7.0):.4f}" in korean


def test_a_short_run_is_far_off_and_counts_its_epochs_in_the_singular():
    fit = neuron.fit_line(COURSE_POINTS, neuron.NeuronConfig(epochs=1))
    explanation = neuron.explain_prediction(fit, 7.0, words=EN)
    assert "still far off: after only 1 epoch with learning rate 0.01" in explanation
    assert neuron.epoch_count(5, words=EN) == "5 epochs" and neuron.epoch_count(5, words=KO) == "5 에포크"


@pytest.mark.parametrize("slope,intercept,optimizer,rate", [(2.0, -1.0, "adam", 0.1), (-1.5, 3.0, "rmsprop", 0.01)])
def test_converges_to_any_true_slope_and_intercept(slope, intercept, optimizer, rate):
    points = neuron.make_points(neuron.LineDataConfig(slope=slope, intercept=intercept, num_points=8))
    fit = neuron.fit_line(points, neuron.NeuronConfig(optimizer=optimizer, learning_rate=rate, epochs=3000))
    assert fit.weight == pytest.approx(slope, abs=0.02)
    assert fit.bias == pytest.approx(intercept, abs=0.1)


def test_agrees_with_stock_fit_from_the_same_initial_weights():
    config = neuron.NeuronConfig(optimizer="sgd", learning_rate=0.01, epochs=150, seed=3)
    fit = neuron.fit_line(COURSE_POINTS, config)

    model = neuron.make_model(seed=3)  # the same seeded initializer gives the same start
    assert float(model.weights[0].numpy()[0, 0]) == pytest.approx(fit.initial_weight)
    model.compile(keras.optimizers.SGD(learning_rate=0.01), "mean_squared_error")
    xs, ys = COURSE_POINTS.arrays()
    stock = model.fit(xs, ys, epochs=150, verbose=0).history["loss"]

    np.testing.assert_allclose(fit.loss, stock, rtol=1e-4)
    stock_prediction = float(model.predict(np.array([[7.0]], dtype=np.float32), verbose=0)[0, 0])
    assert fit.predict(7.0) == pytest.approx(stock_prediction, abs=1e-4)


def test_a_huge_learning_rate_is_detected_as_divergence():
    fit = neuron.fit_line(COURSE_POINTS, neuron.NeuronConfig(learning_rate=1.0, epochs=1000))
    assert fit.diverged_at is not None and fit.diverged_at <= 100
    assert len(fit.loss) == fit.diverged_at - 1  # every recorded epoch is finite
    assert np.all(np.isfinite(fit.loss)) and np.all(np.isfinite(fit.weights))
    advice = neuron.divergence_advice(fit, words=EN)
    assert f"epoch {fit.diverged_at}" in advice and "0.1" in advice
    korean = neuron.divergence_advice(fit, words=KO)
    assert f"에포크 {fit.diverged_at}에서" in korean and "0.1" in korean
    assert neuron.explain_prediction(fit, 7.0, words=KO) == KO("hello_world.explain.diverged")
    short = neuron.fit_line(COURSE_POINTS, neuron.NeuronConfig(epochs=5))
    assert neuron.divergence_advice(short, words=EN) is None


def test_noise_is_reproducible_from_its_seed():
    noisy = neuron.LineDataConfig(noise=0.5, seed=4)
    assert neuron.make_points(noisy) == neuron.make_points(noisy)
    assert neuron.make_points(noisy).ys != COURSE_POINTS.ys


def test_parse_points_reads_a_table_and_skips_fully_empty_rows():
    rows = [{"x": 1, "y": "2.5"}, {"x": None, "y": None}, {"x": " 3 ", "y": -1.0}]
    assert neuron.parse_points(rows) == neuron.Points((1.0, 3.0), (2.5, -1.0))


@pytest.mark.parametrize(
    "rows,message",
    [
        ([{"x": 1, "y": 2}, {"x": 2, "y": None}], "Row 2: the y cell is empty"),
        ([{"x": 1, "y": 2}, {"x": 2, "y": float("nan")}], "Row 2: the y cell is empty"),
        ([{"x": "one", "y": 2}, {"x": 2, "y": 3}], "Row 1: x = 'one' is not a number"),
        ([{"x": 1, "y": 2}, {"x": 2, "y": "inf"}], "finite"),
        ([{"x": 1, "y": 2}], "at least two points"),
        ([], "at least two points"),
        ([{"x": 1, "y": 2}, {"x": 1, "y": 3}], "same x"),
    ],
)
def test_parse_points_explains_what_to_fix(rows, message):
    with pytest.raises(ValueError, match=message):
        neuron.parse_points(rows)


def test_a_table_problem_is_told_in_the_learners_language():
    with pytest.raises(language.LearnerError) as problem:
        neuron.parse_points([{"x": 1, "y": 2}, {"x": 2, "y": None}])
    assert KO.say(problem.value.message) == "2행: y 칸이 비어 있습니다. 숫자를 입력하거나 행을 삭제하세요."
    assert EN.say(problem.value.message) == str(problem.value)


def test_the_exported_script_is_python_in_either_language():
    english = neuron.make_script(COURSE_POINTS, neuron.NeuronConfig(), words=EN)
    korean = neuron.make_script(COURSE_POINTS, neuron.NeuronConfig(), words=KO)
    assert english.startswith('"""Lesson 1, Hello World: one neuron learns y = w*x + b from examples.')
    assert KO("hello_world.script.model") in korean and "One Dense unit" not in korean
    for source in (english, korean):
        compile(source, "hello_world.py", "exec")

    def code(source: str) -> list[str]:  # after the four lines of docstring, less the comments
        return [line for line in source.splitlines()[4:] if not line.startswith("#")]

    assert code(english) == code(korean) and "model.fit(xs, ys, epochs=1000" in "\n".join(code(korean))


@pytest.mark.parametrize(
    "settings",
    [dict(learning_rate=0.0), dict(learning_rate=math.inf), dict(epochs=0), dict(epochs=5001), dict(optimizer="x")],
)
def test_absurd_settings_are_refused_with_a_message(settings):
    with pytest.raises(ValueError):
        neuron.NeuronConfig(**settings)


def test_loss_surface_matches_a_direct_computation():
    weights, biases, losses = neuron.loss_surface(COURSE_POINTS, (0.0, 1.0), (0.0, 1.0), resolution=5)
    xs, ys = np.array(COURSE_POINTS.xs), np.array(COURSE_POINTS.ys)
    for row, bias in enumerate(biases):
        for column, weight in enumerate(weights):
            assert losses[row, column] == pytest.approx(np.mean((weight * xs + bias - ys) ** 2))
    assert losses[2, 2] == pytest.approx(0.0)  # w = b = 0.5 is the true rule


def test_least_squares_recovers_the_rule():
    assert neuron.least_squares(COURSE_POINTS) == pytest.approx((0.5, 0.5))
