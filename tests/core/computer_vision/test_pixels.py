"""Lesson 2's first look at the data, checked against the labels and pixels it is drawn from."""

from __future__ import annotations

import numpy as np

from core.base import language
from core.computer_vision import pixels
from core.data import fashion_mnist


def test_samples_per_class_picks_distinct_images_of_each_class_reproducibly():
    labels = np.repeat(np.arange(10), 20)[np.random.default_rng(0).permutation(200)]
    samples = pixels.samples_per_class(labels, per_class=6, seed=2)
    assert sorted(samples) == list(range(10))
    for label, indices in samples.items():
        assert len(indices) == len(set(indices)) == 6
        assert np.all(labels[indices] == label)
    again = pixels.samples_per_class(labels, per_class=6, seed=2)
    assert all(np.array_equal(samples[label], again[label]) for label in samples)
    other_seed = pixels.samples_per_class(labels, per_class=6, seed=3)
    assert any(not np.array_equal(samples[label], other_seed[label]) for label in samples)


def test_pixel_histograms_are_the_sampled_images_pixels_before_and_after_dividing_by_255():
    images = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4)  # every image's pixels are distinct
    raw, scaled = pixels.pixel_histograms(images, sample=3, seed=1)
    assert raw.shape == (3 * 16,) and raw.dtype == np.uint8
    chosen = {int(first) // 16 for first in raw[::16]}  # each image starts at a multiple of 16
    assert len(chosen) == 3
    np.testing.assert_array_equal(np.sort(raw), np.sort(images[sorted(chosen)].ravel()))
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, raw / 255.0, rtol=1e-6)
    assert scaled.min() >= 0.0 and scaled.max() <= 1.0


def test_pixel_histograms_use_every_image_when_there_are_fewer_than_the_sample():
    images = np.random.default_rng(0).integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    raw, scaled = pixels.pixel_histograms(images, sample=2000)
    np.testing.assert_array_equal(np.sort(raw), np.sort(images.ravel()))
    assert len(scaled) == 4 * 28 * 28


def test_class_names_follow_the_labels_in_either_language():
    """The gallery's captions: core/data's catalogue in label order, the same as `CLASS_NAMES`."""
    assert pixels.class_names(words=language.words("en")) == list(fashion_mnist.CLASS_NAMES)
    korean = pixels.class_names(words=language.words("ko"))
    assert len(korean) == 10 and korean != list(fashion_mnist.CLASS_NAMES)
