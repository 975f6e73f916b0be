"""Lesson 2's dense network: its shape, its training with the course's callback, its settings."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.computer_vision import dense_network
from core.engine import image_classifier, training


def test_course_model_shapes_and_parameter_count():
    model = dense_network.make_model(dense_network.DenseNetConfig())
    assert model.output_shape == (None, 10)
    # Flatten 784 → Dense(128): 784*128 + 128; Dense(10): 128*10 + 10
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10 == 101_770
    deeper = dense_network.make_model(dense_network.DenseNetConfig(hidden_units=(256, 64, 32)))
    assert [layer.units for layer in deeper.layers if isinstance(layer, keras.layers.Dense)] == [256, 64, 32, 10]


def test_training_on_tiny_images_learns_and_the_callback_stops_it():
    # Two "classes" that differ in brightness: learnable in an epoch or two.
    rng = np.random.default_rng(1)
    labels = np.arange(200) % 2
    images = (rng.integers(0, 60, size=(200, 28, 28)) + labels[:, None, None] * 150).astype(np.uint8)
    config = dense_network.DenseNetConfig(
        hidden_units=(16,), epochs=20, batch_size=16, stop=training.StopAtTarget("accuracy", 0.99)
    )
    model = dense_network.make_model(config)
    trainer = dense_network.make_trainer(config, model, images, labels.astype(np.uint8))
    assert trainer.stop is config.stop
    history = trainer.run(training.TrainingHistory(config.epochs))
    assert history.stopped_at_target is not None and history.epochs_run < 20
    assert history.accuracy[-1] >= 0.99
    held_out = image_classifier.HeldOut(images, labels)
    assert image_classifier.evaluate(model, held_out, config.input_scale).accuracy >= 0.99


def test_input_scale_is_the_courses_division_by_255_or_nothing():
    assert dense_network.DenseNetConfig().input_scale == 1 / 255
    assert dense_network.DenseNetConfig(scale_pixels=False).input_scale == 1.0


@pytest.mark.parametrize(
    "settings",
    [
        dict(hidden_units=()),
        dict(hidden_units=(8,)),
        dict(epochs=31),
        dict(train_fraction=0.0),
        dict(learning_rate=-1.0),
    ],
)
def test_absurd_settings_are_refused(settings):
    with pytest.raises(ValueError):
        dense_network.DenseNetConfig(**settings)
