"""The weights' and gradients' histograms against NumPy's own `np.histogram`, and their size."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from core.base import history, weight_histograms


def test_a_histogram_counts_as_numpy_does():
    values = np.random.default_rng(0).normal(0.0, 0.05, size=(784, 128)).astype(np.float32)
    recorded = weight_histograms.histogram_of(values)
    counts, edges = np.histogram(values, bins=weight_histograms.BINS)
    np.testing.assert_array_equal(recorded.counts, counts)
    assert (recorded.low, recorded.high) == (float(edges[0]), float(edges[-1]))
    np.testing.assert_allclose(recorded.edges, edges, rtol=0, atol=1e-7)  # NumPy spaces float32 edges in float32
    assert recorded.counts.dtype == np.int32 and recorded.total == values.size and recorded.zeros == 0


def test_exact_zeros_are_counted_in_their_bin_and_apart():
    values = np.array([-1.0, 0.0, 0.0, 0.0, 0.5, 2.0], dtype=np.float32)
    recorded = weight_histograms.histogram_of(values, bins=4)
    np.testing.assert_array_equal(recorded.counts, np.histogram(values, bins=4)[0])
    assert recorded.zeros == 3 and recorded.bin_of(0.0) == 1 and recorded.counts[1] == 3
    assert recorded.bin_of(2.0) == 3 and recorded.bin_of(-1.0) == 0 and recorded.bin_of(3.0) is None


def test_values_that_are_not_finite_are_counted_apart():
    values = np.array([np.nan, 1.0, np.inf, 3.0], dtype=np.float32)
    recorded = weight_histograms.histogram_of(values)
    np.testing.assert_array_equal(recorded.counts, np.histogram([1.0, 3.0], bins=weight_histograms.BINS)[0])
    assert recorded.not_finite == 2 and recorded.total == 4
    nothing = weight_histograms.histogram_of(np.full(3, np.nan))
    assert nothing.counts.sum() == 0 and nothing.not_finite == 3


def test_every_layer_needs_a_kernel_and_a_gradient():
    record = weight_histograms.WeightHistograms((weight_histograms.KernelLayer("Dense", (2, 4)),), sample_size=8)
    with pytest.raises(ValueError, match="each of 1 layers"):
        record.add(1, [np.ones((2, 4))], [])
    record.add(0, [np.ones((2, 4))], [np.zeros((2, 4))])
    snapshot = record.copy()
    record.add(1, [np.ones((2, 4))], [np.zeros((2, 4))])
    assert [epoch.epoch for epoch in snapshot.epochs] == [0] and len(record.epochs) == 2
    assert record.epochs[0].gradients[0].zeros == 8


def lesson_record(shapes: list[tuple[int, ...]], epochs: int) -> weight_histograms.WeightHistograms:
    """A record as a run of these kernels would leave it, the start and `epochs` epochs."""
    rng = np.random.default_rng(1)
    layers = tuple(weight_histograms.KernelLayer("Dense", shape) for shape in shapes)
    record = weight_histograms.WeightHistograms(layers, sample_size=256)
    for epoch in range(epochs + 1):
        record.add(epoch, [rng.normal(size=shape) for shape in shapes], [rng.normal(size=shape) for shape in shapes])
    return record


def test_a_runs_record_is_small_and_travels_pickled_with_its_history():
    """Lesson 2's network over 5 epochs, and Lesson 4's six kernels over 50, in bytes: counts, not tensors."""
    lesson_2 = lesson_record([(784, 128), (128, 10)], epochs=5)
    trained = history.TrainingHistory(5, loss=[1.0] * 5, histograms=lesson_2)
    pickled = pickle.dumps(trained)
    assert len(pickle.dumps(lesson_2)) < 12_000 and len(pickled) < 14_000
    back = pickle.loads(pickled)
    np.testing.assert_array_equal(back.histograms.epochs[3].weights[1].counts, lesson_2.epochs[3].weights[1].counts)
    assert trained.copy().histograms is not lesson_2 and len(trained.copy().histograms.epochs) == 6
    shapes = [(3, 3, 3, 16), (3, 3, 16, 32), (3, 3, 32, 64), (3, 3, 64, 64), (3, 3, 64, 64), (3136, 512)]
    assert len(pickle.dumps(lesson_record(shapes, epochs=50))) < 250_000
