"""Lesson 2's first look at the data: a few images of every class, and the pixel values before and
after the course's `x / 255.0`."""

from __future__ import annotations

import numpy as np

from core.base import language

# Fashion-MNIST's classes in label order, as core/data's catalogue names them (`fashion_mnist.classes.*`).
CLASS_WORDS = ("t_shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot")


def class_names(*, words: language.Words) -> list[str]:
    """The ten classes in the learner's language, in label order (`fashion_mnist.CLASS_NAMES`)."""
    return [words(f"data.fashion_mnist.classes.{name}") for name in CLASS_WORDS]


def samples_per_class(labels: np.ndarray, per_class: int = 6, seed: int = 0) -> dict[int, np.ndarray]:
    """A few random image indices for each class, for the gallery."""
    rng = np.random.default_rng(seed)
    return {
        int(label): rng.choice(np.flatnonzero(labels == label), size=per_class, replace=False)
        for label in np.unique(labels)
    }


def pixel_histograms(images: np.ndarray, sample: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pixel values of a sample of images before (0..255) and after (0..1) the course's scaling."""
    rng = np.random.default_rng(seed)
    chosen = images[rng.choice(len(images), size=min(sample, len(images)), replace=False)]
    raw = chosen.ravel()
    return raw, raw.astype(np.float32) / 255.0
