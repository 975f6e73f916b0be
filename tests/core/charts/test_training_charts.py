"""The training curves every image lesson draws, checked against the history they are built from."""

from __future__ import annotations

from core.base import language
from core.charts import training_charts
from core.engine import training

EN = language.words("en")


def test_curves_draw_every_epoch_of_training_and_validation():
    history = training.TrainingHistory(
        5, loss=[0.9, 0.5, 0.4], accuracy=[0.6, 0.8, 0.85], val_loss=[0.8, 0.6, 0.55], val_accuracy=[0.7, 0.75, 0.8]
    )
    figure = training_charts.training_curves(history, "Training live", words=EN)
    by_name = {trace.name: trace for trace in figure.data}
    assert set(by_name) == {"training loss", "training accuracy", "validation loss", "validation accuracy"}
    assert list(by_name["training loss"].y) == history.loss and list(by_name["training loss"].x) == [1, 2, 3]
    assert list(by_name["validation accuracy"].y) == history.val_accuracy
    assert by_name["training loss"].xaxis == "x" and by_name["training accuracy"].xaxis == "x2"  # side by side
    assert figure.layout.title.text == "Training live"
    assert tuple(figure.layout.xaxis.range) == (0.5, 5.5)  # the whole planned run, so progress is visible
    assert tuple(figure.layout.yaxis2.range) == (0, 1.02)
    assert not figure.layout.shapes  # no callback fired


def test_the_callbacks_epoch_is_marked_on_both_curves():
    history = training.TrainingHistory(10, loss=[0.5, 0.3], accuracy=[0.8, 0.91], stopped_at_target=2)
    figure = training_charts.training_curves(history, words=EN)
    assert [shape.x0 for shape in figure.layout.shapes] == [2, 2]
    assert any("stopped training after epoch 2" in annotation.text for annotation in figure.layout.annotations)
    assert [trace.name for trace in figure.data] == ["training loss", "training accuracy"]


def test_a_loss_only_history_draws_one_curve():
    figure = training_charts.training_curves(training.TrainingHistory(3, loss=[1.0, 0.5, 0.25]), words=EN)
    assert [trace.name for trace in figure.data] == ["training loss"]


def test_the_best_validation_epoch_is_starred_on_the_accuracy_curve():
    history = training.TrainingHistory(
        4,
        loss=[0.9, 0.5, 0.4, 0.3],
        accuracy=[0.6, 0.8, 0.9, 0.95],
        val_loss=[0.8] * 4,
        val_accuracy=[0.7, 0.95, 0.8, 0.85],
    )
    figure = training_charts.training_curves(history, best_epoch=2, words=EN)
    [best] = [trace for trace in figure.data if trace.name == "best validation (epoch 2)"]
    assert list(best.x) == [2] and list(best.y) == [0.95] and best.xaxis == "x2" and best.marker.symbol == "star"
    assert list(best.text) == ["best 95%"]
    unmarked = training_charts.training_curves(history, words=EN)
    assert not any(trace.name.startswith("best") for trace in unmarked.data)
    outside = training_charts.training_curves(
        history, best_epoch=9, words=EN
    )  # not an epoch of this run: nothing drawn
    assert len(outside.data) == len(unmarked.data)
