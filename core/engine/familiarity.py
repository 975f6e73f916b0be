"""How unlike its training images an image is, as the network itself sees them: the familiarity
flag of Lesson 4's photos and of the drawings of Lessons 2 and 3.

Lesson 4's network says "horses" with 99% confidence about a photo of an office meeting, and
Lessons 2 and 3 give a drawing of anything one of their ten classes. That number is not a
probability of being right: the network has only ever seen images of one kind, and an answer for something unlike all
of them is a guess. So for every image it classifies the page measures how far the image is from
the nearest training image in the network's own features, and compares that with how far the
held-out images (from the same source, never trained on) are. An image farther than nearly all
of them is flagged.

The features were chosen by measuring on Lesson 4's photos (README, "Photos unlike the training
set"; bench `unfamiliar`). The penultimate layer alone, the network's final summary, is too narrow
there: it keeps only what separates the classes, and half the real photos landed among the training
photos. What works is the mean and spread of every convolution's maps (the colours, textures and
backgrounds the network reacts to, at every depth) together with the penultimate layer, each part
scaled to the same length, compared by cosine distance to the single nearest training image. A
dense network (Lesson 2) has no convolutions: its penultimate layer is all there is.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import keras
import numpy as np

from core.base import language
from core.engine import embedding_map, image_classifier

NEAREST_SHOWN = 5
FLAG_QUANTILE = 0.99  # flagged: farther from the training images than 99% of the held-out images are
MIN_REFERENCE = 20  # fewer held-out images than this: the training images are compared with each other
SAMPLE_IMAGES = 2_000  # a large training set (Fashion-MNIST's 60,000) is remembered by a sample of each class
REFERENCE_IMAGES = 1_000  # and its yardstick set by a sample of the held-out images


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
    Batches of up to 64, fewer for large images (`image_classifier.inference_batch_size`)."""
    probe = feature_probe(model)
    images = images.reshape((-1, *probe.input_shape[1:]))  # a grey image gains the channel axis a CNN takes
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
    """The training images as the network sees them, and how far held-out images of the same
    source lie from them: the yardstick for any new image."""

    features: np.ndarray  # (training images, features), unit vectors
    indices: np.ndarray  # each row's index among the lesson's training images, to show it
    labels: np.ndarray
    reference: np.ndarray  # sorted nearest-training-image distances of the reference images
    reference_name: language.Message  # what the reference images are, said in the page's language

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
    words_key: str = "engine.familiarity",
) -> TrainingMemory:
    """Features of every training image, and the reference distances: the held-out images' when
    there are enough of them, else each training image's distance to its nearest other one.
    `words_key` names the catalogue section that says what the reference images are (Lesson 4
    says "photos")."""
    if len(train_images) < 2:
        raise language.LearnerError(f"{words_key}.too_few")
    known = features(model, train_images, input_scale)
    if held_out_images is not None and len(held_out_images) >= MIN_REFERENCE:
        reference = cosine_distances(features(model, held_out_images, input_scale), known).min(axis=1)
        name = language.Message(f"{words_key}.reference_held_out", {"count": len(held_out_images)})
    else:
        among = cosine_distances(known, known)
        np.fill_diagonal(among, np.inf)
        reference = among.min(axis=1)
        name = language.Message(f"{words_key}.reference_training", {"count": len(train_images)})
    return TrainingMemory(known, np.asarray(train_indices), np.asarray(train_labels), np.sort(reference), name)


def remember_sample(
    model: keras.Model,
    train_images: np.ndarray,
    train_labels: np.ndarray,
    held_out: image_classifier.HeldOut,
    input_scale: float = 1 / 255,
    seed: int = 0,
) -> TrainingMemory:
    """`remember` for a large data set (Lessons 2 and 3's Fashion-MNIST): a sample of each class's
    training images (`SAMPLE_IMAGES`) against a sample of the held-out ones (`REFERENCE_IMAGES`),
    a second or two on two cores instead of a minute. The nearest of 2,000 training images lies
    farther than the nearest of 60,000 would, for a new image and a held-out one alike, so the
    yardstick stays fair. A run scored on its training images has no held-out ones to set it."""
    chosen = embedding_map.sample(train_labels, SAMPLE_IMAGES, seed)
    reference = None
    if held_out.name != "training":
        reference = held_out.images[embedding_map.sample(held_out.labels, REFERENCE_IMAGES, seed)]
    return remember(model, train_images[chosen], train_labels[chosen], chosen, reference, input_scale)


@dataclass(frozen=True)
class Familiarity:
    """How one image compares with the training images."""

    distance: float  # to the nearest training image
    nearest: np.ndarray  # indices (among the lesson's training images) of the closest ones, closest first
    nearest_labels: np.ndarray
    nearest_distances: np.ndarray
    farther_than: float  # the share of the reference images that lie closer to the training images
    unfamiliar: bool


def kind(result: Familiarity) -> str:
    """The flag as a page says it: "unfamiliar" (farther than nearly all held-out images),
    "unusual" (farther than 90% of them) or "familiar"."""
    return "unfamiliar" if result.unfamiliar else "unusual" if result.farther_than >= 0.9 else "familiar"


def familiarity(
    memory: TrainingMemory, model: keras.Model, images: np.ndarray, input_scale: float = 1 / 255
) -> list[Familiarity]:
    """For each uint8 image: its distance to the nearest training image, the closest few, and
    whether it is farther than nearly all held-out images (then its answer is a guess)."""
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
    """How the flag does, measured: how often it fires on held-out images of the training source
    (it should rarely: they are what the network knows) and on other images (it should mostly)."""

    held_out: float  # each half of the held-out images judged against a threshold set by the other half
    others: float  # judged against the threshold set by all the held-out images
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
    """Measures the flag honestly: a held-out image is never judged by a threshold it helped
    set, so the held-out rate is what a new image of the same source would see."""
    known = features(model, train_images, input_scale)
    held = cosine_distances(features(model, held_out_images, input_scale), known).min(axis=1)
    others = cosine_distances(features(model, other_images, input_scale), known).min(axis=1)
    return flag_rates(held, others, seed)


def flag_rates(held_out: np.ndarray, others: np.ndarray, seed: int = 0) -> FlagRates:
    """`check_flag` for nearest-training-image distances already measured: each random half of
    the held-out images is judged by the threshold the other half sets."""
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
