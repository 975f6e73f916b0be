"""What one training may take: its memory, costed before the network is built, and its time."""

from __future__ import annotations

import pytest

from core.base import limits, settings


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
    server_settings = settings.ServerSettings.from_environment({limits.MEMORY_VARIABLE: value})
    assert limits.memory_budget_bytes(server_settings) == megabytes * 2**20


@pytest.mark.parametrize(("value", "seconds"), [("", 600.0), ("90", 90.0), ("-1", 600.0), ("soon", 600.0)])
def test_the_time_limit_comes_from_the_environment(value, seconds):
    server_settings = settings.ServerSettings.from_environment({limits.TIME_LIMIT_VARIABLE: value})
    assert limits.time_limit_s(server_settings) == seconds


def test_a_trainings_data_count_beside_its_network_and_the_copy_in_progress_shares_its_space():
    network = limits.ModelCost(parameters=1_000_000, activations_per_example=100_000)  # 16 MB + 25.6 MB at 32
    data = limits.DataCost(held_bytes=300 * 2**20, copying_bytes=100 * 2**20, description="1,000 photos at 300×300")
    assert limits.training_bytes(network, 32) == network.training_bytes(32)
    assert limits.training_bytes(network, 32, data) == 300 * 2**20 + 100 * 2**20  # the copy outweighs the network
    big_network = limits.ModelCost(parameters=1_000_000, activations_per_example=1_000_000)
    assert limits.training_bytes(big_network, 32, data) == 300 * 2**20 + big_network.training_bytes(32)


def test_photos_that_tip_a_training_over_the_budget_are_named_with_what_to_change():
    network = limits.ModelCost(parameters=1_704_097, activations_per_example=3_400_000)  # 856 MB at batch 32
    photos = limits.DataCost(700 * 2**20, 330 * 2**20, "1,283 photos at 300×300", "Try 150×150.")
    refusal = r"about 1,556 MB, more than the 1,024 MB.*1,704,097 parameters\) needs 856 MB.*300×300 take 700 MB"
    with pytest.raises(ValueError, match=refusal):
        limits.check_memory(network, 32, "More blocks.", budget_bytes=2**30, data=photos)
    with pytest.raises(ValueError, match=r"Try 150×150\.$"):
        limits.check_memory(network, 32, "More blocks.", budget_bytes=2**30, data=photos)
    limits.check_memory(network, 8, "", budget_bytes=2**30 + 10 * 2**20, data=photos)  # 700 + 330 MB: fits
    huge = limits.ModelCost(parameters=181_872_065, activations_per_example=1_000_000)
    with pytest.raises(ValueError, match=r"This network has 181,872,065 parameters.*More blocks\.$"):
        limits.check_memory(huge, 32, "More blocks.", budget_bytes=2**30, data=photos)  # the network alone
    words = limits.describe(network, 8, photos)
    assert words.startswith("1,704,097 parameters, about 234 MB to train; with 1,283 photos at 300×300 (about 796 MB")


def test_more_classes_than_the_lesson_shows_are_refused_anywhere_and_too_many_photos_in_an_upload():
    caps = limits.PhotoLimits()
    caps.check(classes=caps.max_classes, photos=caps.max_uploaded_photos, uploaded=True)  # at the caps: fine
    with pytest.raises(ValueError, match=r"300 class folders; the lesson shows and trains at most 20\."):
        caps.check(classes=300, photos=600)
    with pytest.raises(ValueError, match=r"4,990 photos; an upload may hold at most 2,000"):
        caps.check(classes=2, photos=4_990, uploaded=True)
    caps.check(classes=2, photos=4_990)  # a server's own folder: the memory budget bounds it
    assert caps.max_uploaded_photos >= 1_027 + 256  # the course's training and validation photos fit
