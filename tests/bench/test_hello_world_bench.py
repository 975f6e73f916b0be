"""The benchmark's contract on a short run: both sides train the same thing and agree."""

from __future__ import annotations

import subprocess
import sys

from bench import hello_world as bench_hello_world
from tests.conftest import REPOSITORY


def test_short_benchmark_trains_both_sides_and_they_agree(monkeypatch):
    """Both sides really train the course's neuron (the answer moves from the untrained one's
    towards 4.0, by the same amount on both), each repeat is timed, and even on a short run the
    compiled loop beats stock fit's per-epoch overhead (a ratio from one process, not a timing)."""
    from core.hello_world import neuron

    monkeypatch.setattr(bench_hello_world, "EPOCHS", 30)
    result = bench_hello_world.run(repeats=2)
    untrained = neuron.make_model(seed=0)
    weight, bias = (float(variable.numpy().ravel()[0]) for variable in untrained.weights)
    before = weight * bench_hello_world.QUERY_X + bias
    assert abs(result["prediction"] - 4.0) < abs(before - 4.0)  # 30 epochs of sgd moved it towards 4
    assert abs(result["prediction"] - result["stock_prediction"]) < 0.01
    assert len(result["stock_times_s"]) == len(result["core_times_s"]) == 2
    assert min(result["stock_times_s"]) <= result["stock_s"] <= max(result["stock_times_s"])
    assert result["speedup"] > 1


def test_cli_rejects_unknown_benchmarks():
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "nope"], cwd=REPOSITORY, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode != 0 and "invalid choice" in completed.stderr
