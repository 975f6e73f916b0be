"""How unlike its training photos a photo is, as the network itself sees them.

Lesson 4's network says "horses" with 99% confidence about a photo of an office meeting. That
number is not a probability of being right: the network has only ever seen computer-drawn
figures on plain backgrounds, and an answer for something unlike all of them is a guess. So for
every photo it classifies the page measures how far the photo is from the nearest training photo
in the network's own features, and compares that with how far the held-out photos (from the
same source, never trained on) are. A photo farther than nearly all of them is flagged.

The features were chosen by measuring (README, "Photos unlike the training set"; bench
`unfamiliar`). The penultimate layer alone, the network's final summary, is too narrow: it keeps
only what separates the two classes, and half the real photos landed among the training photos.
What works is the mean and spread of every convolution's maps (the colours, textures and
backgrounds the network reacts to, at every depth) together with the penultimate layer, each
part scaled to the same length, compared by cosine distance to the single nearest training photo.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from core.base import language
from core.engine import image_classifier

NEAREST_SHOWN = 5
FLAG_QUANTILE = 0.99  # flagged: farther from the training photos than 99% of the held-out photos are
MIN_REFERENCE = 20  # fewer held-out photos than this: the training photos are compared with each other


_PROBES: weakref.WeakKeyDictionary[keras.Model, keras.Model] = weakref.WeakKeyDictionary()


def feature_probe(model: keras.Model) -> keras.Model:
    """A model giving, for each convolution, its maps' per-filter mean and spread, and the
    penultimate layer (the input of the output layer), each scaled to length 1 and joined.

    Built once per trained model: the page classifies on every run, and each new probe would
    hang its operations on the model's layers for as long as the model lives."""
    probe = _PROBES.get(model)
    if probe is None:
        probe = _PROBES[model] = _build_probe(model)
    return probe


def _build_probe(model: keras.Model) -> keras.Model:
    from keras import ops

    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    penultimate = model.layers[-1].input
    parts = []
    for layer in convolutions:
        maps = ops.cast(layer.output, "float32")  # a bfloat16 network's maps: its 8 bits would blur the distances
        spread = ops.sqrt(ops.var(maps, axis=(1, 2)) + 1e-6)
        parts.append(ops.concatenate([ops.mean(maps, axis=(1, 2)), spread], axis=-1))
    parts.append(ops.cast(penultimate, "float32"))
    scaled = [part / (ops.norm(part, axis=-1, keepdims=True) + 1e-8) for part in parts]
    joined = ops.concatenate(scaled, axis=-1) / np.sqrt(len(scaled))  # the whole vector has length 1
    return keras.Model(inputs=model.inputs[0], outputs=joined)


def features(
    model: keras.Model, images: np.ndarray, input_scale: float = 1 / 255, batch_size: int | None = None
) -> np.ndarray:
    """The probe's vectors for uint8 images, scaled batch by batch as in training: (n, features).
    Batches of up to 64, fewer for large photos (`image_classifier.inference_batch_size`)."""
    probe = feature_probe(model)
    batch_size = batch_size or image_classifier.inference_batch_size(images, most=64)
    outputs = [
        np.asarray(probe(images[start : start + batch_size].astype(np.float32) * input_scale, training=False))
        for start in range(0, len(images), batch_size)
    ]
    width = int(probe.output_shape[-1])
    return np.concatenate(outputs) if outputs else np.zeros((0, width), np.float32)


def cosine_distances(queries: np.ndarray, references: np.ndarray) -> np.ndarray:
    """1 - cosine similarity between unit vectors: 0 for the same direction, up to 2."""
    return 1.0 - queries @ references.T


@dataclass(frozen=True)
class TrainingMemory:
    """The training photos as the network sees them, and how far held-out photos of the same
    source lie from them: the yardstick for any new photo."""

    features: np.ndarray  # (training photos, features), unit vectors
    indices: np.ndarray  # each row's index among the decoded photos, to show it
    labels: np.ndarray
    reference: np.ndarray  # sorted nearest-training-photo distances of the reference photos
    reference_name: language.Message  # what the reference photos are, said in the page's language

    @property
    def threshold(self) -> float:
        return float(np.quantile(self.reference, FLAG_QUANTILE))


def remember(
    model: keras.Model,
    train_images: np.ndarray,
    train_labels: np.ndarray,
    train_indices: np.ndarray,
    held_out_images: np.ndarray | None,
    input_scale: float = 1 / 255,
) -> TrainingMemory:
    """Features of every training photo, and the reference distances: the held-out photos' when
    there are enough of them, else each training photo's distance to its nearest other one."""
    if len(train_images) < 2:
        raise language.LearnerError("real_world_images.familiarity.too_few")
    known = features(model, train_images, input_scale)
    if held_out_images is not None and len(held_out_images) >= MIN_REFERENCE:
        reference = cosine_distances(features(model, held_out_images, input_scale), known).min(axis=1)
        name = language.Message("real_world_images.familiarity.reference_held_out", {"count": len(held_out_images)})
    else:
        among = cosine_distances(known, known)
        np.fill_diagonal(among, np.inf)
        reference = among.min(axis=1)
        name = language.Message("real_world_images.familiarity.reference_training", {"count": len(train_images)})
    return TrainingMemory(known, np.asarray(train_indices), np.asarray(train_labels), np.sort(reference), name)


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
) -> TrainingMemory:
    """`remember` for a trained run: the decoded photos it trained on and, when it was taught them,
    the learner's own photos (numbered after the decoded ones, see `training_photo`), against the
    photos it was scored on, unless those were its training photos."""
    train_indices = trained_on(labels, run.config.validation_split, run.config.seed, separate_validation)
    train_images, train_labels = images[train_indices], labels[train_indices]
    if own_images is not None and own_labels is not None and len(own_images):
        train_images = np.concatenate([train_images, own_images])
        train_labels = np.concatenate([train_labels, own_labels.astype(train_labels.dtype)])
        train_indices = np.concatenate([train_indices, len(labels) + np.arange(len(own_images))])
    held_out = run.held_out.images if run.held_out.name != "training" else None
    return remember(run.model, train_images, train_labels, train_indices, held_out, run.config.input_scale)


def training_photo(index: int, images: np.ndarray, own_images: np.ndarray | None = None) -> np.ndarray:
    """A training photo by its index in a run's memory: the decoded photos, then the learner's own."""
    if index < len(images):
        return images[index]
    if own_images is None:
        raise IndexError(f"Photo {index} is past the {len(images)} decoded photos and the run was taught none.")
    return own_images[index - len(images)]


@dataclass(frozen=True)
class Familiarity:
    """How one photo compares with the training photos."""

    distance: float  # to the nearest training photo
    nearest: np.ndarray  # indices (among the decoded photos) of the closest training photos, closest first
    nearest_labels: np.ndarray
    nearest_distances: np.ndarray
    farther_than: float  # the share of the reference photos that lie closer to the training photos
    unfamiliar: bool


def familiarity(
    memory: TrainingMemory, model: keras.Model, images: np.ndarray, input_scale: float = 1 / 255
) -> list[Familiarity]:
    """For each uint8 image: its distance to the nearest training photo, the closest few, and
    whether it is farther than nearly all held-out photos (then its answer is a guess)."""
    return judge(memory, features(model, images, input_scale))


def judge(memory: TrainingMemory, vectors: np.ndarray) -> list[Familiarity]:
    """`familiarity` for feature vectors already computed."""
    distances = cosine_distances(vectors, memory.features)
    threshold = memory.threshold
    results = []
    for row in distances:
        order = np.argsort(row)[:NEAREST_SHOWN]
        distance = float(row[order[0]])
        results.append(
            Familiarity(
                distance=distance,
                nearest=memory.indices[order],
                nearest_labels=memory.labels[order],
                nearest_distances=row[order],
                farther_than=float(np.searchsorted(memory.reference, distance, side="left") / len(memory.reference)),
                unfamiliar=distance > threshold,
            )
        )
    return results


@dataclass(frozen=True)
class FlagRates:
    """How the flag does, measured: how often it fires on held-out photos of the training source
    (it should rarely: they are what the network knows) and on other photos (it should mostly)."""

    held_out: float  # each half of the held-out photos judged against a threshold set by the other half
    others: float  # judged against the threshold set by all the held-out photos
    held_out_count: int
    others_count: int


def check_flag(
    model: keras.Model,
    train_images: np.ndarray,
    held_out_images: np.ndarray,
    other_images: np.ndarray,
    input_scale: float = 1 / 255,
    seed: int = 0,
) -> FlagRates:
    """Measures the flag honestly: a held-out photo is never judged by a threshold it helped
    set, so the held-out rate is what a new photo of the same source would see."""
    known = features(model, train_images, input_scale)
    held = cosine_distances(features(model, held_out_images, input_scale), known).min(axis=1)
    others = cosine_distances(features(model, other_images, input_scale), known).min(axis=1)
    return flag_rates(held, others, seed)


def flag_rates(held_out: np.ndarray, others: np.ndarray, seed: int = 0) -> FlagRates:
    """`check_flag` for nearest-training-photo distances already measured: each random half of
    the held-out photos is judged by the threshold the other half sets."""
    order = np.random.default_rng(seed).permutation(len(held_out))
    first, second = order[: len(order) // 2], order[len(order) // 2 :]
    flagged = sum(
        int(np.sum(held_out[judged] > np.quantile(held_out[setting], FLAG_QUANTILE)))
        for setting, judged in ((first, second), (second, first))
    )
    return FlagRates(
        held_out=flagged / len(held_out),
        others=float(np.mean(others > np.quantile(held_out, FLAG_QUANTILE))),
        held_out_count=len(held_out),
        others_count=len(others),
    )


def verdict(result: Familiarity, confidence: float, *, words: language.Words) -> str:
    """The flag in words, or how typical the photo is."""
    kind = "unfamiliar" if result.unfamiliar else "unusual" if result.farther_than >= 0.9 else "familiar"
    return words(
        f"real_world_images.familiarity.{kind}",
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
    why = "real_world_images.familiarity.why"
    return " ".join((words(f"{why}.{kind}_source"), words(f"{why}.{kind}_learned"), words(f"{why}.fix")))
