"""What one training may take: its memory, costed before the network is built, and its time."""

from __future__ import annotations

import pytest

from core import limits


def test_training_memory_counts_weights_gradients_optimizer_slots_and_activations():
    cost = limits.ModelCost(parameters=1_000, activations_per_example=10)
    assert cost.training_bytes(batch_size=8) == 1_000 * 4 * 4 + 10 * 8 * 4 * 2
    assert cost.training_bytes(batch_size=8, optimizer_slots=0) == 1_000 * 4 * 2 + 10 * 8 * 4 * 2


def test_a_network_over_the_budget_is_refused_with_the_reason_and_a_suggestion():
    cost = limits.ModelCost(parameters=181_872_065, activations_per_example=1_000_000)
    with pytest.raises(ValueError, match=r"181,872,065 parameters.*about 2\.9 GB.*1\.0 GB.*Try this\."):
        limits.check_memory(cost, 32, "Try this.", budget_bytes=2**30)
    limits.check_memory(limits.ModelCost(1_000_000, 100_000), 32, "", budget_bytes=2**30)  # 27 MB: fine


@pytest.mark.parametrize(("value", "megabytes"), [("", 1024), ("2048", 2048), ("0", 1024), ("lots", 1024)])
def test_the_memory_budget_comes_from_the_environment(value, megabytes):
    assert limits.memory_budget_bytes({limits.MEMORY_VARIABLE: value}) == megabytes * 2**20


@pytest.mark.parametrize(("value", "seconds"), [("", 600.0), ("90", 90.0), ("-1", 600.0), ("soon", 600.0)])
def test_the_time_limit_comes_from_the_environment(value, seconds):
    assert limits.time_limit_s({limits.TIME_LIMIT_VARIABLE: value}) == seconds
