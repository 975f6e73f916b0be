"""The benchmark's contract on a short run: both sides train the same thing and agree."""

from __future__ import annotations

import subprocess
import sys

from bench import hello_world as bench_hello_world
from tests.conftest import REPOSITORY


def test_short_benchmark_reports_agreeing_predictions(monkeypatch):
    monkeypatch.setattr(bench_hello_world, "EPOCHS", 30)
    result = bench_hello_world.run(repeats=1)
    assert {"stock_s", "core_s", "speedup", "prediction", "stock_prediction"} <= result.keys()
    assert result["speedup"] == round(result["stock_s"] / result["core_s"], 1)
    assert abs(result["prediction"] - result["stock_prediction"]) < 0.01


def test_cli_rejects_unknown_benchmarks():
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "nope"], cwd=REPOSITORY, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode != 0 and "invalid choice" in completed.stderr
