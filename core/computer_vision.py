"""Lesson 2, "Introduction to computer vision": a dense network learns Fashion-MNIST.

From fitting a line to recognising clothing: the same Dense layers, now fed 784 pixels, learn
ten classes of 28×28 grey images. The course scales pixels to 0..1, trains
Flatten → Dense(128, relu) → Dense(10, softmax) with adam for 5 epochs (about 87-89% test
accuracy), and stops early with a callback once a target accuracy is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import keras
import numpy as np

from core import training

ACTIVATIONS = ("relu", "sigmoid", "tanh")


class ImageTrainingSettings(Protocol):
    """What the image lessons' settings share (Lesson 2's DenseNetConfig, Lesson 3's CnnConfig)."""

    optimizer: str
    learning_rate: float
    batch_size: int
    train_fraction: float
    scale_pixels: bool
    epochs: int
    seed: int


@dataclass(frozen=True)
class DenseNetConfig:
    """The dense network and how it is trained; it builds the model, keys the cache, labels the
    run and writes the shown code."""

    hidden_units: tuple[int, ...] = (128,)  # one Dense layer of 128 units, as in the course
    activation: str = "relu"
    optimizer: str = "adam"
    learning_rate: float = 0.001  # Keras's default for adam
    batch_size: int = 32  # model.fit's default
    epochs: int = 5
    train_fraction: float = 1.0  # share of the 60,000 training images used, for quick runs
    scale_pixels: bool = True  # the course's x / 255.0; off shows why it matters
    stop_enabled: bool = False  # the course's callback
    stop_metric: str = "accuracy"
    stop_target: float = 0.95
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= len(self.hidden_units) <= 3 or not all(16 <= units <= 1024 for units in self.hidden_units):
            raise ValueError("Use 1 to 3 hidden layers of 16 to 1024 units each.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"Unknown activation {self.activation!r}.")
        check_training_settings(self)

    @property
    def stop_rule(self) -> training.StopAtTarget | None:
        return training.StopAtTarget(self.stop_metric, self.stop_target) if self.stop_enabled else None


def check_training_settings(config: ImageTrainingSettings) -> None:
    """The limits every image lesson puts on its training settings, with a message for each."""
    if config.optimizer not in training.OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {config.optimizer!r}.")
    if not (math.isfinite(config.learning_rate) and 0 < config.learning_rate <= 1):
        raise ValueError("The learning rate must be above 0 and at most 1.")
    if not 1 <= config.batch_size <= 4096:
        raise ValueError("The batch size must be between 1 and 4096.")
    if not 1 <= config.epochs <= 30:
        raise ValueError("Epochs must be between 1 and 30.")
    if not 0.01 <= config.train_fraction <= 1.0:
        raise ValueError("Use between 1% and 100% of the training set.")


def make_model(config: DenseNetConfig) -> keras.Model:
    """The course's dense network, with seeded initializers so a run can be reproduced."""
    layers: list[keras.layers.Layer] = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    for index, units in enumerate(config.hidden_units):
        layers.append(
            keras.layers.Dense(
                units,
                activation=config.activation,
                kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + index),
            )
        )
    layers.append(
        keras.layers.Dense(
            10,
            activation="softmax",
            kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + len(config.hidden_units)),
        )
    )
    return keras.Sequential(layers)


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


def make_trainer(
    config: ImageTrainingSettings,
    model: keras.Model,
    images: np.ndarray,
    labels: np.ndarray,
    jit_compile: bool = True,
) -> training.Trainer:
    """The shared trainer set up with the course's loss, metric and per-batch pixel scaling.

    XLA makes the dense network several times faster, but its CPU convolutions are far slower
    than TensorFlow's own, so the CNN trains with `jit_compile=False`."""
    subset = training_subset(labels, config.train_fraction, config.seed)
    return training.Trainer(
        model,
        training.make_optimizer(config.optimizer, config.learning_rate),
        "sparse_categorical_crossentropy",
        images[subset] if len(subset) < len(images) else images,
        labels[subset] if len(subset) < len(labels) else labels,
        batch_size=config.batch_size,
        accuracy="sparse_categorical",
        input_scale=1 / 255 if config.scale_pixels else 1.0,
        jit_compile=jit_compile,
        seed=config.seed,
    )


def predict_probabilities(
    model: keras.Model, images: np.ndarray, scale_pixels: bool, batch_size: int = 1000
) -> np.ndarray:
    """Class probabilities for uint8 images, scaled batch by batch like in training."""
    scale = 1 / 255 if scale_pixels else 1.0
    outputs = [
        np.asarray(model(images[start : start + batch_size].astype(np.float32) * scale, training=False))
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(outputs) if outputs else np.zeros((0, 10), dtype=np.float32)


@dataclass(frozen=True)
class Evaluation:
    """How the trained network does on the 10,000 test images it never saw."""

    loss: float
    accuracy: float
    predictions: np.ndarray  # predicted class per test image
    probabilities: np.ndarray  # (n, 10)
    confusion: np.ndarray  # (10, 10): rows are true classes, columns predicted

    @property
    def per_class_accuracy(self) -> np.ndarray:
        totals = self.confusion.sum(axis=1)
        return np.divide(np.diag(self.confusion), totals, out=np.zeros(len(totals)), where=totals > 0)


def confusion_matrix(true_labels: np.ndarray, predicted_labels: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Counts of (true, predicted) pairs."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (true_labels.astype(np.int64), predicted_labels.astype(np.int64)), 1)
    return matrix


def evaluate(model: keras.Model, images: np.ndarray, labels: np.ndarray, scale_pixels: bool) -> Evaluation:
    """Test loss and accuracy (as `model.evaluate` reports them) plus the confusion matrix."""
    probabilities = predict_probabilities(model, images, scale_pixels)
    picked = np.clip(probabilities[np.arange(len(labels)), labels.astype(np.int64)], 1e-7, 1.0)
    predictions = probabilities.argmax(axis=1)
    return Evaluation(
        loss=float(-np.mean(np.log(picked))),
        accuracy=float(np.mean(predictions == labels)),
        predictions=predictions,
        probabilities=probabilities,
        confusion=confusion_matrix(labels, predictions),
    )


def misclassified(evaluation: Evaluation, labels: np.ndarray, limit: int = 24) -> np.ndarray:
    """Indices of test images the network got wrong, most confident mistakes first."""
    wrong = np.flatnonzero(evaluation.predictions != labels)
    confidence = evaluation.probabilities[wrong, evaluation.predictions[wrong]]
    return wrong[np.argsort(-confidence)][:limit]


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
