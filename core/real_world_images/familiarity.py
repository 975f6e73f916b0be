"""Lesson 4's side of the familiarity flag (`core.engine.familiarity` measures it): the photos a
run trained on and the learner's own, and the flag in the lesson's words.

Lesson 4's network says "horses" with 99% confidence about a photo of an office meeting: it has
only ever seen computer-drawn figures on plain backgrounds, and an answer for something unlike all
of them is a guess. The measure (which features, which distance, the yardstick of the held-out
photos) is shared with Lessons 2 and 3's drawings and explained in `core.engine.familiarity`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.base import language
from core.engine import familiarity as measure
from core.engine import image_classifier

WORDS = "real_world_images.familiarity"  # the catalogue section that says the flag with "photos"


def trained_on(labels: np.ndarray, validation_split: float, seed: int, separate_validation: bool) -> np.ndarray:
    """The indices of the decoded photos a run trained on: all of them when the course's separate
    validation set scored it, else those its split did not hold out (the split its job made)."""
    if separate_validation:
        return np.arange(len(labels))
    train_indices, _ = image_classifier.split_validation(labels, validation_split, seed)
    return train_indices


def remember_run(
    run: image_classifier.TrainedRun,
    images: np.ndarray,
    labels: np.ndarray,
    separate_validation: bool,
    own_images: np.ndarray | None = None,
    own_labels: np.ndarray | None = None,
) -> measure.TrainingMemory:
    """`measure.remember` for a trained run: the decoded photos it trained on and, when it was taught them,
    the learner's own photos (numbered after the decoded ones, see `training_photo`), against the
    photos it was scored on, unless those were its training photos."""
    train_indices = trained_on(labels, run.config.validation_split, run.config.seed, separate_validation)
    train_images, train_labels = images[train_indices], labels[train_indices]
    if own_images is not None and own_labels is not None and len(own_images):
        train_images = np.concatenate([train_images, own_images])
        train_labels = np.concatenate([train_labels, own_labels.astype(train_labels.dtype)])
        train_indices = np.concatenate([train_indices, len(labels) + np.arange(len(own_images))])
    held_out = run.held_out.images if run.held_out.name != "training" else None
    return measure.remember(
        run.model, train_images, train_labels, train_indices, held_out, run.config.input_scale, words_key=WORDS
    )


def training_photo(index: int, images: np.ndarray, own_images: np.ndarray | None = None) -> np.ndarray:
    """A training photo by its index in a run's memory: the decoded photos, then the learner's own."""
    if index < len(images):
        return images[index]
    if own_images is None:
        raise IndexError(f"Photo {index} is past the {len(images)} decoded photos and the run was taught none.")
    return own_images[index - len(images)]


def verdict(result: measure.Familiarity, confidence: float, *, words: language.Words) -> str:
    """The flag in words, or how typical the photo is."""
    return words(
        f"{WORDS}.{measure.kind(result)}",
        farther_than=words.percent(result.farther_than, 0),
        confidence=words.percent(confidence, 0),
    )


HORSE_OR_HUMAN = ("horses", "humans")
SYNTHETIC = ("circles", "squares")


def why_it_fails(class_names: Sequence[str], *, words: language.Words) -> str:
    """The short explanation beside the first unfamiliar photo: where the training photos come
    from, what the network probably learned instead, and what would fix it."""
    names = tuple(str(name).lower() for name in class_names)
    kind = "horse_or_human" if names == HORSE_OR_HUMAN else "synthetic" if names == SYNTHETIC else "other"
    why = f"{WORDS}.why"
    return " ".join((words(f"{why}.{kind}_source"), words(f"{why}.{kind}_learned"), words(f"{why}.fix")))
