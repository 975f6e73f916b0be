"""Lesson 2, "Introduction to computer vision": a dense network learns Fashion-MNIST.

From fitting a line to recognising clothing: the same Dense layers, now fed 784 pixels, learn
ten classes of 28×28 grey images. The course scales pixels to 0..1, trains
Flatten → Dense(128, relu) → Dense(10, softmax) with adam for 5 epochs (about 87-89% test
accuracy), and stops early with a callback once a target accuracy is reached.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

import keras
import numpy as np

from core.base import jobs, language, layers
from core.data import fashion_mnist
from core.engine import builder, code_export, image_classifier, training

ACTIVATIONS = ("relu", "sigmoid", "tanh")


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
    stop: training.StopAtTarget | None = None  # the course's callback, when the learner turns it on
    seed: int = 0
    # Hidden layers in mixed bfloat16 (then without XLA): off by default, XLA's float32 is faster here.
    bfloat16: bool = False

    def __post_init__(self) -> None:
        if not 1 <= len(self.hidden_units) <= 3 or not all(16 <= units <= 1024 for units in self.hidden_units):
            raise language.LearnerError("computer_vision.errors.hidden_layers")
        if self.activation not in ACTIVATIONS:
            raise language.LearnerError("computer_vision.errors.unknown_activation", activation=self.activation)
        image_classifier.check_training_settings(self)

    @property
    def input_scale(self) -> float:
        return image_classifier.pixel_scale(self.scale_pixels)


def network(config: DenseNetConfig) -> layers.Network:
    """The course's dense network, described once: the model, the shown script and its size all
    come from here. Seeded starting weights, so a run can be reproduced; its hidden layers in
    mixed bfloat16 when the run uses it (`core.base.precision`), the output in float32."""
    hidden = (
        layers.Dense(units, activation=config.activation, seed=config.seed + index)
        for index, units in enumerate(config.hidden_units)
    )
    return layers.Network(
        input_shape=(28, 28),
        layers=(
            layers.Flatten(),
            *hidden,
            layers.Dense(10, activation="softmax", seed=config.seed + len(config.hidden_units)),
        ),
        bfloat16=config.bfloat16,
    )


def make_model(config: DenseNetConfig) -> keras.Model:
    """The dense network as the Keras model the dashboard trains."""
    return builder.build(network(config))


def make_trainer(
    config: DenseNetConfig,
    model: keras.Model,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    record_histograms: bool = True,
) -> training.Trainer:
    """The image lessons' trainer with this run's callback, XLA-compiled in float32: 5 epochs in
    2.3 s on two threads (3.0 s on one) against 9.4 s (4.6 s) with TensorFlow's own kernels (2-core
    AMD EPYC), compiled once per architecture for the server's life (`training.CompiledSteps`). XLA
    computes bfloat16 slower than float32 there, so a bfloat16 run uses TensorFlow's kernels.
    It records the weights' and gradients' histograms epoch by epoch (`bench histograms` times them)."""
    return image_classifier.make_trainer(
        config,
        model,
        images,
        labels,
        stop=config.stop,
        jit_compile=not config.bfloat16,
        record_histograms=record_histograms,
    )


PRECOMPILE_EXAMPLES = 512  # as many as the largest batch: the slice gives the step its shapes and types
_precompiled: set[tuple] = set()  # the settings a compiled step depends on, seen so far
_precompiled_lock = threading.Lock()


def precompile_in_background(config: DenseNetConfig, data: fashion_mnist.FashionMNIST) -> threading.Thread | None:
    """Compiles the XLA step a training of these settings will use, in a background thread, while
    the learner is still choosing (`Trainer.precompile`): once per architecture for the server's
    life, so the first Train does not wait about a second for it. Nothing to do in bfloat16
    (trained without XLA) or for an architecture already seen: the epochs, seed, share of the
    images, stopping rule and learning rate (an optimizer variable) do not change the compiled
    step. Returns the thread it started."""
    shape = (config.hidden_units, config.activation, config.optimizer, config.batch_size, config.scale_pixels)
    with _precompiled_lock:
        if config.bfloat16 or shape in _precompiled:
            return None
        _precompiled.add(shape)
    images, labels = data.train_images[:PRECOMPILE_EXAMPLES], data.train_labels[:PRECOMPILE_EXAMPLES]
    whole = dataclasses.replace(config, train_fraction=1.0)  # the slice as it is: no share of it taken

    def compile_step() -> None:
        make_trainer(whole, make_model(whole), images, labels).precompile()

    thread = threading.Thread(target=compile_step, name="precompile", daemon=True)
    thread.start()
    return thread


def make_script(config: DenseNetConfig, *, words: language.Words) -> str:
    """ "Show the code": the course's Fashion-MNIST program with this network, written out layer for
    layer from the description `make_model` builds (a test builds both and compares them); its
    docstring in the learner's language."""
    return code_export.fashion_mnist_script(
        config,
        config.stop,
        words("computer_vision.script.docstring"),
        "fashion_mnist_dense.py",
        network(config),
    )


def build_training(config: DenseNetConfig, data: fashion_mnist.FashionMNIST) -> jobs.TrainingSetup:
    """What a training job of this lesson runs: the network, its trainer, and the test set it is scored on."""
    return fashion_mnist.setup_on_test_set(config, data, make_model, make_trainer)
