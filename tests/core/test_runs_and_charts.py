"""Run history and Lesson 1's figures, checked against the data they are built from."""

from __future__ import annotations

import numpy as np
import pytest

from core import charts, hello_world, runs

POINTS = hello_world.make_points(hello_world.LineDataConfig())


def record(number: int, loss=(1.0, 0.5)) -> runs.RunRecord:
    return runs.RunRecord(
        lesson="Hello, World",
        number=number,
        settings={"optimizer": "sgd", "learning_rate": 0.01},
        loss=loss,
        seconds=0.25,
        results={"prediction at x=7": 4.0},
    )


def test_runs_table_has_one_row_per_run_with_settings_and_results():
    history = runs.add_run(runs.add_run([], record(1)), record(2, loss=(2.0, 1.0, 0.1)))
    table = runs.runs_table(history)
    assert list(table["run"]) == [1, 2]
    assert list(table["final loss"]) == [0.5, 0.1]
    assert list(table["epochs run"]) == [2, 3]
    assert {"optimizer", "learning_rate", "prediction at x=7", "time (s)", "outcome"} <= set(table.columns)


def test_run_history_keeps_the_newest_runs_only():
    history = []
    for number in range(1, 8):
        history = runs.add_run(history, record(number), limit=5)
    assert [run.number for run in history] == [3, 4, 5, 6, 7]


def test_loss_overlay_draws_every_run():
    figure = runs.loss_overlay([record(1), record(2)])
    assert [trace.name for trace in figure.data] == ["#1 optimizer=sgd, learning_rate=0.01"] * 1 + [
        "#2 optimizer=sgd, learning_rate=0.01"
    ]
    assert figure.layout.yaxis.type == "log"


def test_fitted_line_animation_ends_on_the_learned_line():
    fit = hello_world.fit_line(POINTS, hello_world.NeuronConfig(epochs=300))
    figure = charts.fitted_line(fit, 7.0)
    assert len(figure.frames) <= 61 and figure.frames[0].name == "0" and figure.frames[-1].name == "300"
    line = figure.data[1]
    np.testing.assert_allclose(line.y, fit.weight * np.array(line.x) + fit.bias)
    first_line = figure.frames[0].data[1]
    np.testing.assert_allclose(first_line.y, fit.initial_weight * np.array(first_line.x) + fit.initial_bias)
    assert figure.data[2].y[0] == fit.predict(7.0)


def test_loss_curve_marks_divergence_and_landscape_draws_the_path():
    fit = hello_world.fit_line(POINTS, hello_world.NeuronConfig(learning_rate=1.0, epochs=200))
    figure = charts.loss_curve(fit)
    assert any(f"epoch {fit.diverged_at}" in annotation.text for annotation in figure.layout.annotations)
    good = hello_world.fit_line(POINTS, hello_world.NeuronConfig(epochs=100))
    landscape = charts.loss_landscape(good)
    path = landscape.data[1]
    assert path.x[0] == good.initial_weight and path.y[0] == good.initial_bias
    assert landscape.data[3].x[0] == pytest.approx(0.5)  # the lowest loss sits on the true rule
