"""Lesson 3, "Enhancing vision with convolutions": the course's CNN and what its filters see.

Convolutions let the network learn small filters (edges, textures) that slide over the image, and
pooling keeps the strongest responses while shrinking it, so the dense layers at the end see
features instead of raw pixels. The course's network is Conv2D(64, 3×3) + MaxPooling2D(2) twice,
then Dense(128) and Dense(10): about 90-91% test accuracy on Fashion-MNIST after 5 epochs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
import numpy as np
import pandas as pd

from core.base import jobs, language, layers, precision
from core.data import fashion_mnist
from core.engine import builder, code_export, image_classifier, training

FILTER_CHOICES = (16, 32, 64, 128)


@dataclass(frozen=True)
class CnnConfig:
    """The convolutional network and how it is trained; its training fields match Lesson 2's, so
    the same trainer, stopping rule, run history and Fashion-MNIST script serve both lessons."""

    conv_blocks: int = 2  # Conv2D + pooling blocks, as in the course
    filters: int = 64  # filters in every convolution
    kernel_size: int = 3  # 3×3 filters
    pooling: str = "max"  # "max" or "average", always 2×2
    dense_units: int = 128
    optimizer: str = "adam"
    learning_rate: float = 0.001
    batch_size: int = 32
    epochs: int = 5
    train_fraction: float = 1.0
    scale_pixels: bool = True
    stop: training.StopAtTarget | None = None  # the course's callback, when the learner turns it on
    seed: int = 0
    bfloat16: bool = field(default_factory=precision.default_bfloat16)  # all but the output layer in mixed bfloat16

    def __post_init__(self) -> None:
        if not 1 <= self.conv_blocks <= 3:
            raise language.LearnerError("convolutions.errors.blocks")
        if self.filters not in FILTER_CHOICES:
            raise language.LearnerError("convolutions.errors.filters", choices=FILTER_CHOICES)
        if self.kernel_size not in (3, 5):
            raise language.LearnerError("convolutions.errors.kernel_size")
        if self.pooling not in ("max", "average"):
            raise language.LearnerError("convolutions.errors.pooling")
        if self.conv_blocks == 3 and self.kernel_size == 5:
            raise language.LearnerError("convolutions.errors.too_small")
        if not 16 <= self.dense_units <= 1024:
            raise language.LearnerError("convolutions.errors.dense_units")
        image_classifier.check_training_settings(self)

    @property
    def input_scale(self) -> float:
        return image_classifier.pixel_scale(self.scale_pixels)


def network(config: CnnConfig) -> layers.Network:
    """The course's CNN, described once: the model, the shown script and its size all come from
    here. Seeded starting weights, so a run can be reproduced; all but its output layer in mixed
    bfloat16 when the run uses it (`core.base.precision`)."""
    pooling = layers.MaxPooling2D if config.pooling == "max" else layers.AveragePooling2D
    blocks = [
        layer
        for block in range(config.conv_blocks)
        for layer in (
            layers.Conv2D(config.filters, config.kernel_size, activation="relu", seed=config.seed + block),
            pooling(2),
        )
    ]
    return layers.Network(
        input_shape=(28, 28, 1),
        layers=(
            *blocks,
            layers.Flatten(),
            layers.Dense(config.dense_units, activation="relu", seed=config.seed + 10),
            layers.Dense(10, activation="softmax", seed=config.seed + 11),
        ),
        bfloat16=config.bfloat16,
    )


def make_model(config: CnnConfig) -> keras.Model:
    """The CNN as the Keras model the dashboard trains."""
    return builder.build(network(config))


def make_trainer(
    config: CnnConfig, model: keras.Model, images: np.ndarray, labels: np.ndarray, *, record_histograms: bool = True
) -> training.Trainer:
    """The image lessons' trainer (the grey images gain the channel axis as a view, no copy),
    recording the weights' and gradients' histograms epoch by epoch (`bench histograms`).
    Measured here, XLA made one CNN epoch 30 times slower, so it is off."""
    return image_classifier.make_trainer(
        config, model, images, labels, stop=config.stop, record_histograms=record_histograms
    )


def make_script(config: CnnConfig, *, words: language.Words) -> str:
    """ "Show the code": the course's Fashion-MNIST program with this CNN, written out layer for
    layer from the description `make_model` builds (a test builds both and compares them)."""
    return code_export.fashion_mnist_script(
        config,
        config.stop,
        words("convolutions.script.title"),
        "fashion_mnist_cnn.py",
        network(config),
        reshape=words("convolutions.script.channel_axis") + "\n"
        "train_images = train_images.reshape(-1, 28, 28, 1)\ntest_images = test_images.reshape(-1, 28, 28, 1)\n",
    )


# Lesson 2's course network (Flatten, Dense(128, relu), Dense(10)), which the course's convolutions
# notebook first trains again as the baseline to beat; described here so that this lesson does not
# depend on Lesson 2's code. A test checks that it matches Lesson 2's model.
DENSE_BASELINE = layers.Network(
    input_shape=(28, 28),
    layers=(layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")),
)


def dense_baseline() -> keras.Model:
    """The baseline the CNN beats, as a Keras model (left to Keras's own starting weights)."""
    return builder.build(DENSE_BASELINE)


def model_summary(model: keras.Model, *, words: language.Words) -> pd.DataFrame:
    """`model.summary()` as a table: layer, output shape and parameters, with a total row."""
    layer, shape, parameters = (
        words(f"convolutions.summary.{name}") for name in ("layer", "output_shape", "parameters")
    )
    batch = words("convolutions.summary.batch")
    rows = [
        {
            layer: f"{each.name} ({type(each).__name__})",
            shape: str(tuple(each.output.shape)).replace("None", batch),
            parameters: each.count_params(),
        }
        for each in model.layers
    ]
    rows.append({layer: words("convolutions.summary.total"), shape: "", parameters: model.count_params()})
    return pd.DataFrame(rows)


def training_flops_per_example(model: keras.Model) -> float:
    """Multiply-adds of the convolutions and dense layers, ×2 for FLOPs, ×3 for the forward pass
    plus the two backward products (input and weight gradients) that training adds."""
    forward = 0.0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, channels_out = layer.output.shape
            kernel_height, kernel_width = layer.kernel_size
            channels_in = layer.input.shape[-1]
            forward += 2 * height * width * channels_out * kernel_height * kernel_width * channels_in
        elif isinstance(layer, keras.layers.Dense):
            forward += 2 * layer.input.shape[-1] * layer.units
    return 3 * forward


def first_layer_kernels(model: keras.Model) -> np.ndarray:
    """The first convolution's learned filters as (filters, k, k) arrays (one input channel)."""
    kernel = np.asarray(image_classifier.feature_layers(model)[0].kernel)  # (k, k, 1, filters)
    return np.transpose(kernel[:, :, 0, :], (2, 0, 1))


def same_class_examples(labels: np.ndarray, label: int, count: int = 3, seed: int = 0) -> np.ndarray:
    """A few test images of one class, as the course picks three shoes to compare."""
    candidates = np.flatnonzero(labels == label)
    return np.random.default_rng(seed).choice(candidates, size=min(count, len(candidates)), replace=False)


def build_training(config: CnnConfig, data: fashion_mnist.FashionMNIST) -> jobs.TrainingSetup:
    """What a training job of this lesson runs: the CNN, its trainer, and the test set it is scored on."""
    return fashion_mnist.setup_on_test_set(config, data, make_model, make_trainer)
