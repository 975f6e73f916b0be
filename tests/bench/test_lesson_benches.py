"""`bench all`'s contract: every lesson bench reports the precision its core ran in, and where that
was bfloat16 it ran float32 too and says what bfloat16 gained and cost; the table has a row per
lesson with, for Lessons 2-4, the histograms' overhead, and the JSON is keyed by benchmark name."""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest

from bench import all as bench_all
from bench import bfloat16, dense
from core.base import precision
from tests.conftest import REPOSITORY


def test_float32_reports_only_its_precision_and_bfloat16_its_gain_and_difference():
    assert bfloat16.fields(False, 2.0, 0.87) == {"precision": "float32"}
    figures = bfloat16.fields(True, 2.0, 0.865, 3.0, 0.87)
    assert figures["precision"] == "bfloat16" and figures["bf16_gain"] == 1.5 and figures["float32_seconds"] == 3.0
    assert figures["accuracy_difference"] == -0.005 and figures["accuracy_within_bound"]
    assert not bfloat16.fields(True, 2.0, 0.85, 3.0, 0.87)["accuracy_within_bound"]


@pytest.mark.parametrize("lesson_default", ["as configured", "bfloat16"])
def test_short_dense_bench_trains_stock_float32_and_core_at_the_default_precision(monkeypatch, lesson_default):
    """Stock `fit` stays float32; the core runs the lesson's default config (which says whether
    that is bfloat16), and where it is bfloat16 the core also runs float32, in the same process.
    The second case makes bfloat16 the lesson's default, where the processor has it natively."""
    if lesson_default == "bfloat16":
        if not precision.bfloat16_available():
            pytest.skip("this processor has no native bfloat16")
        monkeypatch.setattr(
            dense.dense_network, "DenseNetConfig", functools.partial(dense.dense_network.DenseNetConfig, bfloat16=True)
        )
    monkeypatch.setattr(dense, "QUICK_IMAGES", 3000)
    monkeypatch.setattr(dense, "QUICK_EPOCHS", 1)
    built, make_model = [], dense.dense_network.make_model

    def recording_make_model(config):
        built.append(config.bfloat16)
        return make_model(config)

    monkeypatch.setattr(dense.dense_network, "make_model", recording_make_model)
    result = dense.run(quick=True)
    default = dense.dense_network.DenseNetConfig().bfloat16
    assert result["precision"] == precision.name(default) and result["train_images"] == 3000
    assert built == ([False, True, False] if default else [False, False])  # stock, core (, core in float32)
    assert 0.5 < result["core_test_accuracy"] < 1 and result["speedup"] > 0
    if default:
        assert result["bf16_gain"] > 0 and abs(result["accuracy_difference"]) < 0.1 and result["float32_times_s"]


def test_all_prints_a_row_per_lesson_and_keys_each_result_by_name(monkeypatch, capsys):
    """With the four benches and the histograms' stubbed: one table row each, Lessons 2-4 with
    their histogram overhead (or why it was left out), and their results under their names."""

    class Stub:
        def __init__(self, result):
            self.result, self.calls = result, []

        def run(self, repeats: int = 1, quick: bool = False):
            self.calls.append({"repeats": repeats, "quick": quick})
            return self.result

    figures = {"speedup": 2.0, "precision": "float32", "quick": True}
    stubs = {
        "hello_world": Stub({**figures, "stock_s": 20.0, "core_s": 0.1, "prediction": 4.0}),
        "dense": Stub({**figures, "stock_s": 20.0, "core_s": 2.0, "core_test_accuracy": 0.87}),
        "cnn": Stub({**figures, **bfloat16.fields(True, 50.0, 0.9, 80.0, 0.905), "stock_s": 100.0, "core_s": 50.0}),
        "real_world": Stub({**figures, "stock_s_per_epoch": 8.0, "core_s_per_epoch": 3.0, "val_accuracy": 0.85}),
    }
    stubs["cnn"].result["core_test_accuracy"] = 0.9
    overhead = {"with_s": 2.04, "without_s": 2.0, "ratio": 1.02, "cpu_ratio": 1.018, "recording_share": 0.012}
    histograms = Stub(
        {
            "benchmark": "histograms",
            "lesson_2": {**overhead, "within_target": True},
            "lesson_3": {**overhead, "ratio": 1.071, "cpu_ratio": 1.066, "within_target": False},
            "lesson_4": {"left_out": "no horse-or-human photos"},
        }
    )
    lessons = {name: (stubs[name], *spec[1:]) for name, spec in bench_all.LESSONS.items()}
    monkeypatch.setattr(bench_all, "LESSONS", lessons)
    monkeypatch.setattr(bench_all.histograms, "run", histograms.run)
    results = bench_all.run(quick=True)
    assert list(results) == ["hello_world", "dense", "cnn", "real_world", "histograms"]
    assert all(stub.calls == [{"repeats": 1, "quick": True}] for stub in [*stubs.values(), histograms])
    assert results["histograms"]["lesson_2"]["ratio"] == 1.02
    printed = capsys.readouterr().out.splitlines()
    table = printed[: next(number for number, line in enumerate(printed) if line.startswith("histograms'"))]
    rows = {line.split()[0]: line for line in table if line.split() and line.split()[0] in results}
    assert len(rows) == 4 and "bfloat16" in rows["cnn"] and "1.6×" in rows["cnn"] and "-0.0050" in rows["cnn"]
    assert "—" in rows["dense"]  # float32: no gain, no difference
    assert "1.020×" in rows["dense"] and "1.071×" in rows["cnn"] and "left out" in rows["real_world"]
    assert rows["hello_world"].split()[-1 - len(["≥", "100×,", "prediction", "≈", "4.0"])] == "—"  # no histograms
    lines = {line.split()[0]: line for line in printed if line.startswith("  ")}
    assert "within target" in lines["dense"] and "OVER target" in lines["cnn"]
    assert "processor time 1.066" in lines["cnn"] and "no horse-or-human photos" in lines["real_world"]


def test_cli_lists_all_and_tour_and_refuses_options_a_bench_does_not_take():
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "tour", "--repeats", "2"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode != 0 and "tour takes no --repeats" in completed.stderr
