"""Run history shared by every lesson, checked against the records it is built from."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core.base import language, runs
from core.engine import training

ENGLISH = language.words("en")


def record(number: int, loss=(1.0, 0.5)) -> runs.RunRecord:
    return runs.RunRecord(
        lesson="hello_world",
        number=number,
        settings={"optimizer": "sgd", "learning_rate": 0.01},
        loss=loss,
        seconds=0.25,
        results={"prediction at x=7": 4.0},
    )


def test_runs_table_has_one_row_per_run_with_its_outcome_and_results():
    history = runs.add_run(runs.add_run([], record(1)), record(2, loss=(2.0, 1.0, 0.1)))
    table = runs.runs_table(history, words=ENGLISH)
    assert list(table["run"]) == [1, 2]
    assert list(table["final loss"]) == [0.5, 0.1]
    assert list(table["outcome"]) == ["finished, 2 epochs", "finished, 3 epochs"]
    assert {"time (s)", "outcome"} <= set(table.columns)
    assert "prediction at x=7" not in table.columns  # 4.0 in both runs: said once, above the table
    assert runs.shared_results(history) == {"prediction at x=7": 4.0}
    assert list(runs.runs_table(history[:1], words=ENGLISH).columns) == [
        "run",
        "outcome",
        "final loss",
        "prediction at x=7",
        "time (s)",
    ]
    assert "optimizer" not in table.columns  # the same in both runs: said once, above the table


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


def test_settings_of_a_lesson_config_gives_every_field():
    from core.computer_vision import dense_network

    config = dense_network.DenseNetConfig(hidden_units=(128, 32), stop=training.StopAtTarget(target=0.85))
    settings = runs.settings_of(config)
    assert list(settings) == [field.name for field in dataclasses.fields(config)]
    assert settings["stop"] == "accuracy ≥ 0.85"


def run_with(number: int, **changed) -> runs.RunRecord:
    """A Lesson 4 run at the page's defaults, with some settings changed."""
    settings = {
        "image_size": 150,
        "conv_blocks": 5,
        "learning_rate": 0.001,
        "epochs": 15,
        "seed": 0,
        "own_photos": 0,
        "from_run": "off",
    }
    return runs.RunRecord("real_world_images", number, {**settings, **changed}, loss=(0.7, 0.5), seconds=2.0)


def test_labels_name_what_differs_from_the_runs_beside_them():
    shown = [run_with(1), run_with(2, epochs=5), run_with(3, epochs=5, learning_rate=0.0003)]
    assert runs.run_labels(shown, words=ENGLISH) == [
        "#1 learning_rate=0.001, epochs=15",
        "#2 learning_rate=0.001, epochs=5",
        "#3 learning_rate=0.0003, epochs=5",
    ]
    # Runs that differ only in epochs (the walk's Lesson 2 case) are told apart by their epochs.
    assert runs.run_labels(shown[:2], words=ENGLISH) == ["#1 epochs=15", "#2 epochs=5"]
    assert len(set(runs.run_labels(shown, words=ENGLISH))) == 3


def test_a_run_taught_the_learners_photos_says_so_in_words():
    taught = run_with(2, epochs=3, own_photos=3, from_run=1)
    from_scratch = run_with(3, own_photos=1)
    assert runs.run_labels([run_with(1), taught, from_scratch], words=ENGLISH) == [
        "#1 epochs=15",
        "#2 fine-tuned from run 1 with your 3 photos, epochs=3",
        "#3 trained from scratch with your 1 photo, epochs=15",
    ]


def test_repeated_settings_are_named_as_a_repeat_not_as_identical_labels():
    assert runs.run_labels([run_with(1), run_with(2)], words=ENGLISH) == ["#1", "#2 same settings as #1"]
    assert runs.run_labels([run_with(4)], words=ENGLISH) == ["#4"]
    assert runs.run_labels([], words=ENGLISH) == []


def test_the_table_says_what_differs_in_one_column_and_the_shared_settings_once():
    shown = [run_with(1), run_with(2, epochs=5)]
    table = runs.runs_table(shown, words=ENGLISH)
    assert list(table.columns[:3]) == ["run", "settings", "outcome"] and "image_size" not in table.columns
    assert list(table["settings"]) == ["epochs=15", "epochs=5"]
    assert runs.shared_settings(shown) == {
        "image_size": 150,
        "conv_blocks": 5,
        "learning_rate": 0.001,
        "seed": 0,
        "own_photos": 0,
        "from_run": "off",
    }
    assert runs.differing_settings(shown) == ["epochs"]
    assert "settings" not in runs.runs_table([run_with(1)], words=ENGLISH).columns  # one run: nothing differs


def test_many_differing_settings_and_a_taught_run_read_as_their_labels_and_convert_to_arrow():
    """A session's runs soon differ in many settings, and a column each made the table wider than
    a laptop's screen; a taught run's from_run, "off" beside 1, was a column Arrow refused."""
    import pyarrow as pa

    shown = [run_with(1), run_with(2, epochs=5, seed=3, learning_rate=0.01, own_photos=2, from_run=1)]
    table = runs.runs_table(shown, words=ENGLISH)
    assert list(table["settings"]) == [
        "learning_rate=0.001, epochs=15, seed=0",
        "fine-tuned from run 1 with your 2 photos, learning_rate=0.01, epochs=5, seed=3",
    ]
    assert "from_run" not in table.columns and "epochs" not in table.columns
    pa.Table.from_pandas(table)  # what st.dataframe sends


def test_a_column_of_mixed_values_converts_to_text():
    import pyarrow as pa

    first = dataclasses.replace(run_with(1), results={"note": "none"})
    second = dataclasses.replace(run_with(2, epochs=3), results={"note": 3.5})
    table = runs.runs_table([first, second], words=ENGLISH)
    assert table["note"].tolist() == ["none", "3.5"]
    pa.Table.from_pandas(table)
