"""Lesson 4's trainings, each built in one place: the course's network on the folder's photos,
Week 4's exercise on the faces (the same job), and "teach it" with the learner's own photos added.

The page hands over what the learner chose and the photos decoded once; the job it gets back
trains the same way wherever it runs (this server's threads or a Ray worker).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from core.base import course, jobs
from core.real_world_images import network, photos, teaching

LESSON_KEY = course.REAL_WORLD_IMAGES.key


def photos_to_train_on(
    decoded: photos.DecodedPhotos, num_classes: int, validation: photos.DecodedPhotos | None = None
) -> network.Photos:
    """The decoded photos as a job of this lesson trains on them, with the course's separate
    validation set when there is one (else the job holds out a share of every class)."""
    held_apart = (validation.images, validation.labels) if validation is not None else None
    return network.Photos(decoded.images, decoded.labels, num_classes, held_apart)


def training_job(config: network.RealWorldConfig, training_photos: network.Photos) -> jobs.TrainingJob:
    """The course's network trained on the photos: the lesson's training and its graded exercise."""
    return jobs.TrainingJob(
        LESSON_KEY,
        config,
        build=network.build_training,
        make_model=network.ModelMaker(training_photos.num_classes),
        data=training_photos,
    )


def teaching_config(
    config: network.RealWorldConfig, own_photos: int, fine_tune: bool, fine_tune_epochs: int, current_run: int
) -> network.RealWorldConfig:
    """A taught run's settings: the trained run's, with the learner's photos counted and, when it
    fine-tunes, its own few epochs and the run whose weights it starts from (none before run 1)."""
    return dataclasses.replace(
        config,
        epochs=fine_tune_epochs if fine_tune else config.epochs,
        own_photos=own_photos,
        from_run=(current_run or None) if fine_tune else None,
    )


def own_labels(own: tuple[teaching.OwnPhoto, ...]) -> np.ndarray:
    """The classes the learner gave their photos, as the training labels' type."""
    return np.array([photo.label for photo in own], dtype=photos.LABEL_DTYPE)


def check_teaching_memory(
    config: network.RealWorldConfig, num_classes: int, photo_count: int, validation_count: int, own_photos: int
) -> None:
    """`network.check_training_memory` with the copies of the learner's photos counted too, before
    anything is decoded."""
    added = own_photos * teaching.COPIES_PER_PHOTO
    network.check_training_memory(config, num_classes, photo_count, validation_count, added)


def teaching_job(
    config: network.RealWorldConfig,
    training_photos: network.Photos,
    own_images: np.ndarray,
    own_labels: np.ndarray,
    start_weights: list[np.ndarray] | None,
) -> jobs.TrainingJob:
    """The course's network trained with the learner's photos (squashed to its size) among the
    training photos, from `start_weights` (fine-tuning) or from scratch (None)."""
    return jobs.TrainingJob(
        LESSON_KEY,
        config,
        build=teaching.build_teaching,
        make_model=network.ModelMaker(training_photos.num_classes),
        data=teaching.Teaching(training_photos, own_images, own_labels, start_weights=start_weights),
    )
