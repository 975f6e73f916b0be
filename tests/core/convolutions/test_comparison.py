"""Lesson 3's closing comparison: the learner's dense-network and CNN runs in one table and chart."""

from __future__ import annotations

import numpy as np

from core.base import language
from core.base.runs import RunRecord
from core.convolutions import comparison

ENGLISH = language.words("en")
COLUMNS = ["network", "run", "epochs run", "test accuracy", "training time (s)", "parameters"]


def run(lesson: str, number: int, epochs: int, accuracy: float, seconds: float, parameters: int) -> RunRecord:
    return RunRecord(
        lesson=lesson,
        number=number,
        settings={},
        loss=tuple(np.linspace(1.0, 0.3, epochs)),
        seconds=seconds,
        results={"test accuracy": accuracy, "parameters": parameters},
    )


DENSE_RUNS = [run("computer_vision", 1, 5, 0.87, 12.34, 101_770), run("computer_vision", 2, 3, 0.85, 7.0, 101_770)]
CNN_RUNS = [run("convolutions", 1, 2, 0.91, 95.06, 243_786)]


def test_table_lists_dense_runs_then_cnn_runs_with_their_numbers():
    table = comparison.dense_vs_cnn_table(DENSE_RUNS, CNN_RUNS, words=ENGLISH)
    assert list(table.columns) == COLUMNS
    assert list(table["network"]) == ["dense", "dense", "CNN"]
    assert list(table["run"]) == [1, 2, 1]
    assert list(table["epochs run"]) == [5, 3, 2]
    assert list(table["test accuracy"]) == [0.87, 0.85, 0.91]
    assert list(table["training time (s)"]) == [12.3, 7.0, 95.1]
    assert list(table["parameters"]) == [101_770, 101_770, 243_786]


def test_a_run_without_results_leaves_its_cells_empty():
    unfinished = RunRecord(lesson="convolutions", number=4, settings={}, loss=(0.9,), seconds=1.0)
    row = comparison.dense_vs_cnn_table([], [unfinished], words=ENGLISH).iloc[0]
    assert row["network"] == "CNN" and row["epochs run"] == 1
    assert row["test accuracy"] is None and row["parameters"] is None


def test_empty_table_still_has_the_columns():
    table = comparison.dense_vs_cnn_table([], [], words=ENGLISH)
    assert table.empty and list(table.columns) == COLUMNS


def test_chart_has_one_trace_per_network_with_its_runs():
    figure = comparison.dense_vs_cnn_chart(
        comparison.dense_vs_cnn_table(DENSE_RUNS, CNN_RUNS, words=ENGLISH), words=ENGLISH
    )
    traces = {trace.name: trace for trace in figure.data}
    assert len(figure.data) == 2 and set(traces) == {"dense", "CNN"}
    assert list(traces["dense"].x) == [12.3, 7.0] and list(traces["dense"].y) == [0.87, 0.85]
    assert list(traces["CNN"].x) == [95.1] and list(traces["CNN"].y) == [0.91]
    assert list(traces["dense"].text) == ["#1", "#2"] and list(traces["CNN"].customdata) == [243_786]
    only_dense = comparison.dense_vs_cnn_chart(
        comparison.dense_vs_cnn_table(DENSE_RUNS, [], words=ENGLISH), words=ENGLISH
    )
    assert [trace.name for trace in only_dense.data] == ["dense"]
    assert (
        len(comparison.dense_vs_cnn_chart(comparison.dense_vs_cnn_table([], [], words=ENGLISH), words=ENGLISH).data)
        == 0
    )


def test_korean_table_and_chart_are_built_from_the_same_words():
    korean = language.words("ko")
    table = comparison.dense_vs_cnn_table(DENSE_RUNS, CNN_RUNS, words=korean)
    assert list(table.columns) == ["신경망", "실행", "실행한 에포크", "테스트 정확도", "훈련 시간(초)", "파라미터 수"]
    figure = comparison.dense_vs_cnn_chart(table, words=korean)
    assert {trace.name for trace in figure.data} == {"Dense", "CNN"}
    assert (
        figure.layout.title.text.startswith("Dense 신경망과 CNN") and figure.layout.xaxis.title.text == "훈련 시간(초)"
    )
    assert "%{customdata:,}" in figure.data[0].hovertemplate  # plotly's placeholders, left for plotly
