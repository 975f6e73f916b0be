"""How unlike the training photos a photo is: the features, the distances, the yardstick and the words.

The measure's rates on the course's data and on real photos are checked by tests/bench/test_unfamiliar.py.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest

from core.engine import familiarity as measure
from core.engine import image_classifier
from core.real_world_images import familiarity, network


def test_the_features_are_unit_vectors_with_one_part_per_convolution_and_the_penultimate_layer(tiny_trained):
    vectors = measure.features(tiny_trained.model, tiny_trained.images[:5])
    # two convolutions (16 and 32 filters): a mean and a spread per filter; then Dense(512)
    assert vectors.shape == (5, 2 * 16 + 2 * 32 + 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_the_probe_is_built_once_per_model(tiny_trained):
    """The page measures on every run; a new probe each time would add operations to the
    model's layers every time (they grew by two nodes per call before the probe was kept)."""
    first_convolution = next(layer for layer in tiny_trained.model.layers if isinstance(layer, keras.layers.Conv2D))
    measure.features(tiny_trained.model, tiny_trained.images[:1])
    nodes = len(first_convolution._outbound_nodes)
    for _ in range(3):
        measure.features(tiny_trained.model, tiny_trained.images[:1])
    assert len(first_convolution._outbound_nodes) == nodes
    assert measure.feature_probe(tiny_trained.model) is measure.feature_probe(tiny_trained.model)


def test_cosine_distances_against_a_plain_loop():
    rng = np.random.default_rng(0)
    queries, references = rng.normal(size=(3, 8)), rng.normal(size=(4, 8))
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    references /= np.linalg.norm(references, axis=1, keepdims=True)
    expected = [[1 - float(np.dot(q, r)) for r in references] for q in queries]
    np.testing.assert_allclose(measure.cosine_distances(queries, references), expected, rtol=1e-6)


def unit_vectors(rows: list[list[float]]) -> np.ndarray:
    vectors = np.asarray(rows, dtype=np.float64)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_training_photo_is_its_own_nearest_on_the_trained_network(tiny_trained):
    images, labels = tiny_trained.images, tiny_trained.labels
    train, held_out = np.arange(0, 24, 2), images[1::2]
    memory = measure.remember(
        tiny_trained.model, images[train], labels[train], train, held_out, words_key=familiarity.WORDS
    )
    assert "training photos, each against the others" in str(memory.reference_name)  # 12 held out: too few
    [itself] = measure.familiarity(memory, tiny_trained.model, images[4:5])
    assert itself.nearest[0] == 4 and itself.distance == pytest.approx(0.0, abs=1e-5)
    assert list(itself.nearest_distances) == sorted(itself.nearest_distances) and len(itself.nearest) == 5
    assert list(itself.nearest_labels) == list(labels[itself.nearest])
    assert not itself.unfamiliar and itself.farther_than == 0.0


def test_enough_held_out_photos_set_the_yardstick(tiny_trained):
    images, labels = tiny_trained.images, tiny_trained.labels
    held_out = np.concatenate([images[12:]] * 2)  # 24 photos: enough
    memory = measure.remember(
        tiny_trained.model, images[:12], labels[:12], np.arange(12), held_out, words_key=familiarity.WORDS
    )
    assert str(memory.reference_name) == "the 24 held-out photos" and len(memory.reference) == 24
    assert memory.threshold == pytest.approx(np.quantile(memory.reference, measure.FLAG_QUANTILE))
    with pytest.raises(ValueError, match="two training photos"):
        measure.remember(tiny_trained.model, images[:1], labels[:1], np.arange(1), None, words_key=familiarity.WORDS)


def test_a_photo_farther_than_nearly_all_held_out_photos_is_flagged():
    """Training photos along two directions; held-out photos lie 0.001 to 0.1 from them."""
    known = unit_vectors([[1, 0, 0], [0, 1, 0], [1, 1, 0]])
    reference = np.linspace(0.001, 0.1, 100)
    memory = measure.TrainingMemory(known, np.array([7, 8, 9]), np.array([0, 1, 1]), reference, "test")
    assert memory.threshold == pytest.approx(np.quantile(reference, 0.99))
    near, edge, far = measure.judge(memory, unit_vectors([[1, 0.05, 0], [1, 0.4, 0], [0, 0, 1]]))
    assert list(near.nearest) == [7, 9, 8] and list(near.nearest_labels) == [0, 1, 1]
    assert near.distance == pytest.approx(1 - 1 / np.sqrt(1 + 0.05**2)) and not near.unfamiliar
    assert near.farther_than == pytest.approx(np.mean(reference < near.distance))
    assert not edge.unfamiliar and edge.farther_than > 0.5  # 0.072: within the held-out spread
    assert far.unfamiliar and far.farther_than == 1.0 and far.distance == pytest.approx(1.0)


def test_the_held_out_rate_never_judges_a_photo_by_a_threshold_it_set():
    """99 held-out photos at the same distance and one far outlier. Judged by a threshold it set
    itself, the outlier could hide (the 99th percentile of all 100 lies close to it); judged by
    the other half's threshold it is flagged, and the rest are not: exactly 1 in 100."""
    held_out = np.concatenate([np.full(99, 0.01), [0.5]])
    for seed in range(5):  # whichever half the outlier falls in
        rates = measure.flag_rates(held_out, np.array([0.012, 0.3, 0.9]), seed)
        assert rates.held_out == 0.01 and (rates.held_out_count, rates.others_count) == (100, 3)
        assert rates.others == pytest.approx(2 / 3)  # the all-held-out threshold is 0.0149


def trained_run(tiny, held_out: image_classifier.HeldOut) -> image_classifier.TrainedRun:
    return image_classifier.TrainedRun(tiny.config, tiny.model, tiny.history, evaluation=None, held_out=held_out)


def test_a_runs_memory_holds_exactly_the_photos_its_job_trained_on(tiny_trained):
    """Without a separate validation set the memory is the split's training half (the photos the
    job's trainer got), measured against the photos the run was scored on; with one, every photo."""
    images, labels, config = tiny_trained.images, tiny_trained.labels, tiny_trained.config
    trained = network.split_photos(config, images, labels)  # what network.build_training trains on
    scored_on = image_classifier.HeldOut(np.concatenate([images] * 2)[:24], np.zeros(24), "validation")
    memory = familiarity.remember_run(trained_run(tiny_trained, scored_on), images, labels, separate_validation=False)
    np.testing.assert_array_equal(images[memory.indices], trained.train_images)
    np.testing.assert_array_equal(memory.labels, trained.train_labels)
    np.testing.assert_allclose(memory.features, measure.features(tiny_trained.model, trained.train_images))
    assert str(memory.reference_name) == "the 24 held-out photos"
    on_training = familiarity.remember_run(
        trained_run(tiny_trained, dataclasses.replace(scored_on, name="training")), images, labels, False
    )
    assert "each against the others" in str(on_training.reference_name)  # never its own training photos as held out
    every = familiarity.remember_run(trained_run(tiny_trained, scored_on), images, labels, separate_validation=True)
    np.testing.assert_array_equal(every.indices, np.arange(len(labels)))


def test_a_taught_runs_memory_numbers_the_learners_photos_after_the_decoded_ones(tiny_trained):
    images, labels = tiny_trained.images, tiny_trained.labels
    own = np.random.default_rng(5).integers(0, 256, (2, 150, 150, 3), dtype=np.uint8)
    scored_on = image_classifier.HeldOut(images[:4], labels[:4], "validation")
    memory = familiarity.remember_run(
        trained_run(tiny_trained, scored_on), images, labels, True, own, np.array([1, 0], dtype=np.int64)
    )
    np.testing.assert_array_equal(memory.indices, np.arange(len(labels) + 2))
    np.testing.assert_array_equal(memory.labels, [*labels, 1, 0])
    assert memory.labels.dtype == labels.dtype
    [nearest_own] = measure.familiarity(memory, tiny_trained.model, own[1:])
    assert nearest_own.nearest[0] == len(labels) + 1 and nearest_own.distance == pytest.approx(0.0, abs=1e-5)
    np.testing.assert_array_equal(familiarity.training_photo(len(labels) + 1, images, own), own[1])
    np.testing.assert_array_equal(familiarity.training_photo(3, images, own), images[3])
    with pytest.raises(IndexError, match="taught none"):
        familiarity.training_photo(len(labels), images, None)
