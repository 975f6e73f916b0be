"""The overlay of every run, checked against the records it is drawn from."""

from __future__ import annotations

import numpy as np

from core.base import language, runs
from core.charts import run_charts

EN = language.words("en")


def record(number: int, loss=(1.0, 0.5), accuracy=(), learning_rate=0.01) -> runs.RunRecord:
    return runs.RunRecord(
        lesson="hello_world",
        number=number,
        settings={"optimizer": "sgd", "learning_rate": learning_rate},
        loss=loss,
        seconds=0.25,
        results={"prediction at x=7": 4.0},
        accuracy=accuracy,
    )


def test_loss_overlay_draws_every_run_named_by_what_differs():
    figure = run_charts.loss_overlay([record(1), record(2, learning_rate=0.1), record(3)], words=EN)
    assert [trace.name for trace in figure.data] == [
        "#1 learning_rate=0.01",
        "#2 learning_rate=0.1",
        "#3 learning_rate=0.01",
    ]
    assert figure.layout.yaxis.type == "log"
    assert figure.layout.legend.orientation == "h"  # long labels under the chart, not beside it


def test_loss_overlay_draws_each_runs_own_losses_on_a_linear_axis_when_asked():
    figure = run_charts.loss_overlay(
        [record(1, loss=(3.0, 2.0, 1.0)), record(2, loss=(4.0,))], log_scale=False, words=EN
    )
    np.testing.assert_array_equal(figure.data[0].x, [1, 2, 3])
    np.testing.assert_array_equal(figure.data[0].y, [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(figure.data[1].y, [4.0])
    assert figure.layout.yaxis.type != "log"


def test_accuracy_overlay_skips_runs_without_accuracy_and_draws_each_runs_values():
    measured = [record(2, accuracy=(0.5, 0.75, 0.875)), record(4, accuracy=(0.25,), learning_rate=0.1)]
    figure = run_charts.accuracy_overlay([record(1), measured[0], record(3), measured[1]], words=EN)
    assert [trace.name for trace in figure.data] == ["#2 learning_rate=0.01", "#4 learning_rate=0.1"]
    for trace, run in zip(figure.data, measured, strict=True):
        np.testing.assert_array_equal(trace.x, np.arange(1, len(run.accuracy) + 1))
        np.testing.assert_array_equal(trace.y, run.accuracy)
    assert run_charts.accuracy_overlay([record(1)], words=EN).data == ()
