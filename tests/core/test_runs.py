"""Run history shared by every lesson, checked against the records it is built from."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core import runs, training


def record(number: int, loss=(1.0, 0.5)) -> runs.RunRecord:
    return runs.RunRecord(
        lesson="hello_world",
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


@dataclass(frozen=True)
class ExampleConfig:
    hidden_units: tuple[int, ...] = (256, 64)
    learning_rate: float = 0.001
    stop: training.StopAtTarget | None = None


def test_settings_of_reads_tuples_stopping_rules_and_none_as_the_table_shows_them():
    assert runs.settings_of(ExampleConfig(stop=training.StopAtTarget("accuracy", 0.9))) == {
        "hidden_units": "256×64",
        "learning_rate": 0.001,
        "stop": "accuracy ≥ 0.9",
    }
    assert runs.settings_of(ExampleConfig(stop=training.StopAtTarget("loss", 0.25)))["stop"] == "loss ≤ 0.25"
    assert runs.settings_of(ExampleConfig())["stop"] == "off"


def test_settings_of_a_lesson_config_labels_the_run():
    from core.computer_vision import dense_network

    config = dense_network.DenseNetConfig(hidden_units=(128, 32), stop=training.StopAtTarget(target=0.85))
    settings = runs.settings_of(config)
    assert list(settings) == [field.name for field in dataclasses.fields(config)]
    assert settings["stop"] == "accuracy ≥ 0.85"
    labelled = runs.RunRecord("computer_vision", 3, settings, loss=(0.5,), seconds=1.0)
    assert labelled.label == "#3 hidden_units=128×32, activation=relu, optimizer=adam"
