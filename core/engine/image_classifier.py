"""What every image lesson shares: a network that sorts pictures into classes.

Lessons 2, 3 and 4 train different networks on different pictures, but they check their settings,
pick a class-balanced share or hold out a validation split, score the trained network on images it
never trained on, and look inside its convolutions the same way. Those steps live here once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import keras
import numpy as np

from core.base import language
from core.base.history import Evaluation, HeldOut  # noqa: F401 - also read as image_classifier.X
from core.engine import training


class ImageTrainingSettings(Protocol):
    """The settings Lessons 2 and 3 share (DenseNetConfig, CnnConfig: frozen, so read-only here)."""

    @property
    def optimizer(self) -> str: ...
    @property
    def learning_rate(self) -> float: ...
    @property
    def batch_size(self) -> int: ...
    @property
    def train_fraction(self) -> float: ...
    @property
    def scale_pixels(self) -> bool: ...
    @property
    def epochs(self) -> int: ...
    @property
    def seed(self) -> int: ...


_SAID = "engine.image_classifier.errors."


def check_training_settings(config: ImageTrainingSettings) -> None:
    """The limits Lessons 2 and 3 put on their training settings, with a message for each."""
    if config.optimizer not in training.OPTIMIZERS:
        raise language.LearnerError(_SAID + "unknown_optimizer", name=repr(config.optimizer))
    if not (math.isfinite(config.learning_rate) and 0 < config.learning_rate <= 1):
        raise language.LearnerError(_SAID + "learning_rate")
    if not 1 <= config.batch_size <= 4096:
        raise language.LearnerError(_SAID + "batch_size")
    if not 1 <= config.epochs <= 30:
        raise language.LearnerError(_SAID + "epochs")
    if not 0.01 <= config.train_fraction <= 1.0:
        raise language.LearnerError(_SAID + "train_fraction")


def pixel_scale(scale_pixels: bool) -> float:
    """The course's `x / 255.0` as a factor; 1.0 leaves the pixels at 0..255."""
    return 1 / 255 if scale_pixels else 1.0


def training_subset(labels: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Indices of a class-balanced random share of the training set (all of it at 1.0)."""
    if fraction >= 1.0:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    chosen = [
        rng.permutation(np.flatnonzero(labels == label))[: max(1, round(fraction * np.sum(labels == label)))]
        for label in np.unique(labels)
    ]
    return np.sort(np.concatenate(chosen))


def split_validation(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices for training and validation, holding out `fraction` of every class."""
    rng = np.random.default_rng(seed)
    held_out = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        held_out.append(members[: int(round(fraction * len(members)))])
    validation = np.sort(np.concatenate(held_out))
    return np.setdiff1d(np.arange(len(labels)), validation), validation


def make_trainer(
    config: ImageTrainingSettings,
    model: keras.Model,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    stop: training.StopAtTarget | None = None,
    jit_compile: bool = False,
    record_histograms: bool = False,
) -> training.Trainer:
    """The shared trainer set up as Lessons 2 and 3 train: the course's loss and metric on a
    class-balanced share of the images, scaled per batch. `images` may lack the channel axis a
    convolution expects; it is added as a view, never a copy.

    XLA only when asked (Lesson 2's dense network): its step is compiled once per architecture
    and reused by later runs (`training.CompiledSteps`). Its CPU convolutions were far slower
    than TensorFlow's own. `record_histograms`: each kernel's weights and gradients after every
    epoch (`core.base.weight_histograms`)."""
    images = images.reshape((-1, *model.input_shape[1:]))
    subset = training_subset(labels, config.train_fraction, config.seed)
    return training.Trainer(
        model,
        training.make_optimizer(config.optimizer, config.learning_rate),
        "sparse_categorical_crossentropy",
        images[subset] if len(subset) < len(images) else images,
        labels[subset] if len(subset) < len(labels) else labels,
        batch_size=config.batch_size,
        accuracy="sparse_categorical",
        input_scale=pixel_scale(config.scale_pixels),
        jit_compile=jit_compile,
        record_histograms=record_histograms,
        stop=stop,
        seed=config.seed,
    )


INFERENCE_BATCH_BYTES = 8 * 2**20  # the float input of one batch a trained network classifies or is measured on


def inference_batch_size(images: np.ndarray, most: int = 256) -> int:
    """How many images a network takes at once outside training: up to `most`, and no more than fit
    in INFERENCE_BATCH_BYTES as floats. The layers' outputs grow with the input: 256 photos of
    300×300 at once put 1.4 GB in the first convolution's output alone, more than the whole
    training of the network had been allowed; at most 7 of them stay within its training memory.
    Fashion-MNIST's 28×28 images still go 256 at a time."""
    per_image = max(1, int(np.prod(images.shape[1:])) * 4)
    return max(1, min(most, INFERENCE_BATCH_BYTES // per_image))


def predict_probabilities(
    model: keras.Model, images: np.ndarray, input_scale: float = 1 / 255, batch_size: int | None = None
) -> np.ndarray:
    """Class probabilities for uint8 images, scaled batch by batch as in training (batches of
    `inference_batch_size` by default). Images get the model's input shape (a grey image gains its
    channel axis); a single sigmoid output p becomes the two probabilities [1 - p, p]."""
    images = images.reshape((-1, *model.input_shape[1:]))
    batch_size = batch_size or inference_batch_size(images)
    outputs = [
        np.asarray(model(images[start : start + batch_size].astype(np.float32) * input_scale, training=False))
        for start in range(0, len(images), batch_size)
    ]
    classes = model.output_shape[-1]
    probabilities = np.concatenate(outputs) if outputs else np.zeros((0, classes), dtype=np.float32)
    return np.concatenate([1 - probabilities, probabilities], axis=1) if classes == 1 else probabilities


def confusion_matrix(true_labels: np.ndarray, predicted_labels: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Counts of (true, predicted) pairs."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (true_labels.astype(np.int64), predicted_labels.astype(np.int64)), 1)
    return matrix


def evaluate(model: keras.Model, held_out: HeldOut, input_scale: float = 1 / 255) -> Evaluation:
    """Loss and accuracy (as `model.evaluate` reports them) plus the confusion matrix; for one
    sigmoid output the 0.5 threshold decides, as in training."""
    probabilities = predict_probabilities(model, held_out.images, input_scale)
    labels = held_out.labels.astype(np.int64)
    picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
    predictions = probabilities.argmax(axis=1)
    return Evaluation(
        loss=float(-np.mean(np.log(picked))),
        accuracy=float(np.mean(predictions == labels)),
        predictions=predictions,
        probabilities=probabilities,
        confusion=confusion_matrix(labels, predictions, probabilities.shape[1]),
    )


def misclassified(evaluation: Evaluation, labels: np.ndarray, limit: int = 24) -> np.ndarray:
    """Indices of held-out images the network got wrong, most confident mistakes first."""
    wrong = np.flatnonzero(evaluation.predictions != labels)
    confidence = evaluation.probabilities[wrong, evaluation.predictions[wrong]]
    return wrong[np.argsort(-confidence)][:limit]


def feature_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The convolution and pooling layers, in order: what the course's feature-map grid shows."""
    kinds = (keras.layers.Conv2D, keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    return [layer for layer in model.layers if isinstance(layer, kinds)]


def feature_maps(model: keras.Model, images: np.ndarray, input_scale: float = 1 / 255) -> list[np.ndarray]:
    """Every convolution and pooling layer's output for some uint8 images: one (n, h, w, filters)
    array per layer, computed in one forward pass (the course's intermediate representations)."""
    layers = feature_layers(model)
    probe = keras.Model(inputs=model.inputs[0], outputs=[layer.output for layer in layers])
    batch = images.reshape((-1, *model.input_shape[1:])).astype(np.float32) * input_scale
    outputs = probe(batch, training=False)
    outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
    return [np.asarray(output, dtype=np.float32) for output in outputs]  # a bfloat16 network's maps too


def classify(model: keras.Model, image: np.ndarray, input_scale: float = 1 / 255) -> np.ndarray:
    """Class probabilities for one uint8 image, as the network gives them after training."""
    return predict_probabilities(model, image[np.newaxis], input_scale)[0]


@dataclass(frozen=True)
class TrainedRun:
    """A finished (or stopped) training run of an image lesson, kept in the learner's session:
    the settings it was trained with, the trained network, its curves, and how it did on the
    held-out images it was scored on."""

    config: Any  # the lesson's frozen settings dataclass
    model: keras.Model
    history: training.TrainingHistory
    evaluation: Evaluation
    held_out: HeldOut
