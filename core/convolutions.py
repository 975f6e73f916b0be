"""Lesson 3, "Enhancing vision with convolutions": the course's CNN and what its filters see.

Convolutions let the network learn small filters (edges, textures) that slide over the image, and
pooling keeps the strongest responses while shrinking it, so the dense layers at the end see
features instead of raw pixels. The course's network is Conv2D(64, 3×3) + MaxPooling2D(2) twice,
then Dense(128) and Dense(10): about 90-91% test accuracy on Fashion-MNIST after 5 epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from core import computer_vision, training

FILTER_CHOICES = (16, 32, 64, 128)


@dataclass(frozen=True)
class CnnConfig:
    """The convolutional network and how it is trained; field names match Lesson 2's settings so
    the same trainer, stopping rule, run history and code export serve both lessons."""

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
    stop_enabled: bool = False
    stop_metric: str = "accuracy"
    stop_target: float = 0.95
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.conv_blocks <= 3:
            raise ValueError("Use 1 to 3 convolution blocks.")
        if self.filters not in FILTER_CHOICES:
            raise ValueError(f"Filters per block must be one of {FILTER_CHOICES}.")
        if self.kernel_size not in (3, 5):
            raise ValueError("The kernel size must be 3 or 5.")
        if self.pooling not in ("max", "average"):
            raise ValueError("Pooling must be 'max' or 'average'.")
        if self.conv_blocks == 3 and self.kernel_size == 5:
            raise ValueError("Three blocks of 5×5 filters shrink a 28×28 image to nothing; use 3×3 filters.")
        if not 16 <= self.dense_units <= 1024:
            raise ValueError("Dense units must be between 16 and 1024.")
        computer_vision.check_training_settings(self)

    @property
    def stop_rule(self) -> training.StopAtTarget | None:
        return training.StopAtTarget(self.stop_metric, self.stop_target) if self.stop_enabled else None


def make_model(config: CnnConfig) -> keras.Model:
    """The course's CNN (seeded initializers so a run can be reproduced)."""
    pooling = keras.layers.MaxPooling2D if config.pooling == "max" else keras.layers.AveragePooling2D
    layers: list[keras.layers.Layer] = [keras.Input(shape=(28, 28, 1))]
    for block in range(config.conv_blocks):
        layers.append(
            keras.layers.Conv2D(
                config.filters,
                (config.kernel_size, config.kernel_size),
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + block),
            )
        )
        layers.append(pooling(2, 2))
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(
            config.dense_units,
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + 10),
        ),
        keras.layers.Dense(
            10, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + 11)
        ),
    ]
    return keras.Sequential(layers)


def make_trainer(config: CnnConfig, model: keras.Model, images: np.ndarray, labels: np.ndarray) -> training.Trainer:
    """Lesson 2's trainer; the images gain the channel axis the convolutions expect (a view, no copy).
    Measured here, XLA made one CNN epoch 30 times slower, so it is off."""
    return computer_vision.make_trainer(config, model, images[..., np.newaxis], labels, jit_compile=False)


def model_summary(model: keras.Model) -> pd.DataFrame:
    """`model.summary()` as a table: layer, output shape and parameters, with a total row."""
    rows = [
        {
            "layer": f"{layer.name} ({type(layer).__name__})",
            "output shape": str(tuple(layer.output.shape)).replace("None", "batch"),
            "parameters": layer.count_params(),
        }
        for layer in model.layers
    ]
    rows.append({"layer": "total", "output shape": "", "parameters": model.count_params()})
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


def feature_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The convolution and pooling layers, in order: what the course's feature-map grid shows."""
    kinds = (keras.layers.Conv2D, keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    return [layer for layer in model.layers if isinstance(layer, kinds)]


def feature_maps(model: keras.Model, images: np.ndarray, scale_pixels: bool = True) -> list[np.ndarray]:
    """Every convolution and pooling layer's output for some uint8 images: one (n, h, w, filters)
    array per layer, computed in one forward pass."""
    layers = feature_layers(model)
    extractor = keras.Model(inputs=model.inputs[0], outputs=[layer.output for layer in layers])
    batch = images[..., np.newaxis].astype(np.float32) * (1 / 255 if scale_pixels else 1.0)
    outputs = extractor(batch, training=False)
    return [np.asarray(output) for output in (outputs if isinstance(outputs, list | tuple) else [outputs])]


def first_layer_kernels(model: keras.Model) -> np.ndarray:
    """The first convolution's learned filters as (filters, k, k) arrays (one input channel)."""
    kernel = np.asarray(feature_layers(model)[0].kernel)  # (k, k, 1, filters)
    return np.transpose(kernel[:, :, 0, :], (2, 0, 1))


def same_class_examples(labels: np.ndarray, label: int, count: int = 3, seed: int = 0) -> np.ndarray:
    """A few test images of one class, as the course picks three shoes to compare."""
    candidates = np.flatnonzero(labels == label)
    return np.random.default_rng(seed).choice(candidates, size=min(count, len(candidates)), replace=False)
