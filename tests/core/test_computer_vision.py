"""Lesson 2's network, subsets and evaluation against Keras and hand counts."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core import computer_vision, training


def test_course_model_shapes_and_parameter_count():
    model = computer_vision.make_model(computer_vision.DenseNetConfig())
    assert model.output_shape == (None, 10)
    # Flatten 784 → Dense(128): 784*128 + 128; Dense(10): 128*10 + 10
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10 == 101_770
    deeper = computer_vision.make_model(computer_vision.DenseNetConfig(hidden_units=(256, 64, 32)))
    assert [layer.units for layer in deeper.layers if isinstance(layer, keras.layers.Dense)] == [256, 64, 32, 10]


def test_confusion_matrix_matches_a_hand_count():
    true = np.array([0, 0, 1, 2, 2, 2])
    said = np.array([0, 1, 1, 2, 0, 2])
    expected = np.zeros((3, 3), dtype=int)
    expected[0, 0] = expected[0, 1] = expected[1, 1] = expected[2, 0] = 1
    expected[2, 2] = 2
    np.testing.assert_array_equal(computer_vision.confusion_matrix(true, said, num_classes=3), expected)


def test_training_subset_is_class_balanced_and_reproducible():
    labels = np.repeat(np.arange(10), 100)
    subset = computer_vision.training_subset(labels, 0.2, seed=3)
    assert len(subset) == 200 and np.all(np.bincount(labels[subset]) == 20)
    np.testing.assert_array_equal(subset, computer_vision.training_subset(labels, 0.2, seed=3))
    assert len(computer_vision.training_subset(labels, 1.0, seed=3)) == 1000


def test_evaluate_agrees_with_keras_evaluate():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(64, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=64).astype(np.uint8)
    model = computer_vision.make_model(computer_vision.DenseNetConfig())
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    keras_loss, keras_accuracy = model.evaluate(images / 255.0, labels, verbose=0)
    evaluation = computer_vision.evaluate(model, images, labels, scale_pixels=True)
    assert evaluation.loss == pytest.approx(keras_loss, rel=1e-4)
    assert evaluation.accuracy == pytest.approx(keras_accuracy)
    assert evaluation.confusion.sum() == 64
    wrong = computer_vision.misclassified(evaluation, labels, limit=5)
    assert len(wrong) <= 5 and np.all(evaluation.predictions[wrong] != labels[wrong])


def test_training_on_tiny_images_learns_and_the_callback_stops_it():
    # Two "classes" that differ in brightness: learnable in an epoch or two.
    rng = np.random.default_rng(1)
    labels = np.arange(200) % 2
    images = (rng.integers(0, 60, size=(200, 28, 28)) + labels[:, None, None] * 150).astype(np.uint8)
    config = computer_vision.DenseNetConfig(
        hidden_units=(16,), epochs=20, batch_size=16, stop_enabled=True, stop_target=0.99
    )
    model = computer_vision.make_model(config)
    trainer = computer_vision.make_trainer(config, model, images, labels.astype(np.uint8))
    history = trainer.run(training.TrainingHistory(config.epochs), stop=config.stop_rule)
    assert history.stopped_at_target is not None and history.epochs_run < 20
    assert history.accuracy[-1] >= 0.99
    assert computer_vision.evaluate(model, images, labels, scale_pixels=True).accuracy >= 0.99


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
        computer_vision.DenseNetConfig(**settings)
