"""Teach it with your photos: the Teachable Machine loop on top of the course's network.

A network trained on computer-drawn horses and people fails on real photos because it has never
seen one. The fix is the one every practitioner uses: put photos like the failing ones into the
training set, with the right label, and train again. A handful of photos among a thousand would
barely count, so each of the learner's photos is shown many times per epoch, each time randomly
flipped, turned and zoomed (the course's augmentation), and the network either continues from
its current weights for a few epochs (fine-tuning) or trains again from scratch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.base import jobs, language, text
from core.data import uploads
from core.real_world_images import network

MAX_OWN_PHOTOS = 24  # per learner: they live in the learner's session, so memory stays bounded
COPIES_PER_PHOTO = 20  # each of the learner's photos counts as this many training photos per epoch
FINE_TUNE_EPOCHS = (1, 10)  # the slider's range; a few epochs are enough from trained weights


@dataclass(frozen=True)
class OwnPhoto:
    """A photo the learner classified and then labelled, kept in their session only."""

    key: str  # the upload's or the camera shot's id, so the same photo is added once
    name: str  # as the learner's file was called (shown as plain text)
    picture: np.ndarray  # uint8 RGB, aspect ratio kept, longer side at most uploads.PREVIEW_SIDE
    label: int  # the class the learner says it is
    before: tuple[float, ...]  # the class probabilities the network gave when it was added
    before_run: int  # the run that gave them


def add_own_photo(photos: tuple[OwnPhoto, ...], photo: OwnPhoto) -> tuple[OwnPhoto, ...]:
    """The learner's photos with `photo` added, or relabelled if it is already there."""
    kept = tuple(existing for existing in photos if existing.key != photo.key)
    if len(kept) >= MAX_OWN_PHOTOS:
        raise language.LearnerError("real_world_images.teach.too_many", most=MAX_OWN_PHOTOS)
    return (*kept, photo)


def own_images(photos: tuple[OwnPhoto, ...], size: int) -> np.ndarray:
    """The learner's photos as the network sees them: squashed to (size, size, 3) uint8."""
    if not photos:
        return np.zeros((0, size, size, 3), np.uint8)
    return np.stack([uploads.squashed(photo.picture, size) for photo in photos])


def augmented_copies(images: np.ndarray, labels: np.ndarray, copies: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`copies` randomly flipped, turned and zoomed versions of every image, with their labels:
    how a handful of photos gets a say among a thousand without the network memorising pixels."""
    if len(images) == 0:
        return images, labels
    samples = [
        np.stack(network.augmented_samples(image, count=copies, seed=seed + index))
        for index, image in enumerate(images)
    ]
    return np.concatenate(samples), np.repeat(labels, copies)


@dataclass(frozen=True)
class Teaching:
    """What a "teach it" job trains on: the lesson's photos, the learner's own (squashed to the
    network's size), and the weights to start from (None: from scratch)."""

    photos: network.Photos
    own_images: np.ndarray
    own_labels: np.ndarray
    start_weights: list[np.ndarray] | None = None
    copies: int = COPIES_PER_PHOTO


def build_teaching(config: network.RealWorldConfig, teaching: Teaching) -> jobs.TrainingSetup:
    """The lesson's training with the learner's photos added to the training half only: the
    network is still scored on the same held-out photos, so a drop there shows what teaching it
    the new photos cost."""
    photos = teaching.photos
    network.check_training_memory(
        config,
        photos.num_classes,
        len(photos.labels),
        network.validation_count(photos),
        added_photos=len(teaching.own_images) * teaching.copies,
    )
    split = network.split_photos(config, photos.images, photos.labels, photos.validation)
    extra_images, extra_labels = augmented_copies(
        teaching.own_images, teaching.own_labels, teaching.copies, config.seed
    )
    taught = network.PhotoSplit(
        np.concatenate([split.train_images, extra_images]),
        np.concatenate([split.train_labels, extra_labels.astype(split.train_labels.dtype)]),
        split.validation,
    )
    model = network.make_model(config, photos.num_classes)
    if teaching.start_weights is not None:
        model.set_weights(teaching.start_weights)
    return jobs.TrainingSetup(model, network.make_trainer(config, model, taught), split.scored_on, config.input_scale)


def what_changed(config: network.RealWorldConfig, epochs_run: int, *, words: language.Words) -> str:
    """What a taught run did, beside a form that still shows the settings for training from scratch."""
    said = "real_world_images.teach.what_changed"
    photos = words(f"{said}.photos_{'one' if config.own_photos == 1 else 'many'}", count=config.own_photos)
    epochs = words(f"{said}.epochs_{'one' if epochs_run == 1 else 'many'}", count=epochs_run)
    if config.from_run is not None:
        return words(f"{said}.fine_tuned", run=config.from_run, photos=photos, epoch_count=epochs)
    return words(f"{said}.scratch", photos=photos, epoch_count=epochs)


def before_and_now(
    photo: OwnPhoto, probabilities: np.ndarray, class_names: Sequence[str], current_run: int, *, words: language.Words
) -> str:
    """What the network said about the learner's photo when it was added, and what the current run
    says, marked right or wrong against the learner's label (markdown; class names as plain text)."""
    before = int(np.argmax(photo.before))
    said = int(np.argmax(probabilities))
    return words(
        "real_world_images.teach.before_and_now",
        before_run=photo.before_run,
        before=text.plain(class_names[before]),
        before_probability=words.percent(photo.before[before], 0),
        run=current_run,
        now=text.plain(class_names[said]),
        now_probability=words.percent(float(probabilities[said]), 0),
        verdict=words("real_world_images.teach.right" if said == photo.label else "real_world_images.teach.wrong"),
    )
