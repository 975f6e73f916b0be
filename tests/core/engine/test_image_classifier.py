"""What every image lesson shares, against Keras and hand counts: subsets and splits, scoring on
held-out images (softmax and sigmoid outputs), and the feature maps inside a network."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.computer_vision import dense_network
from core.engine import image_classifier


def test_confusion_matrix_matches_a_hand_count():
    true = np.array([0, 0, 1, 2, 2, 2])
    said = np.array([0, 1, 1, 2, 0, 2])
    expected = np.zeros((3, 3), dtype=int)
    expected[0, 0] = expected[0, 1] = expected[1, 1] = expected[2, 0] = 1
    expected[2, 2] = 2
    np.testing.assert_array_equal(image_classifier.confusion_matrix(true, said, num_classes=3), expected)


def test_training_subset_is_class_balanced_and_reproducible():
    labels = np.repeat(np.arange(10), 100)
    subset = image_classifier.training_subset(labels, 0.2, seed=3)
    assert len(subset) == 200 and np.all(np.bincount(labels[subset]) == 20)
    np.testing.assert_array_equal(subset, image_classifier.training_subset(labels, 0.2, seed=3))
    assert len(image_classifier.training_subset(labels, 1.0, seed=3)) == 1000


def test_validation_split_holds_out_each_class():
    labels = np.array([0] * 50 + [1] * 30, dtype=np.uint8)
    train, validation = image_classifier.split_validation(labels, 0.2, seed=1)
    assert len(validation) == 16 and np.sum(labels[validation] == 1) == 6
    assert set(train).isdisjoint(validation) and len(train) + len(validation) == 80


def random_images(count: int, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(count, *shape), dtype=np.uint8)


def test_evaluate_agrees_with_keras_evaluate():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(64, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=64).astype(np.uint8)
    model = dense_network.make_model(dense_network.DenseNetConfig())
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    keras_loss, keras_accuracy = model.evaluate(images / 255.0, labels, verbose=0)
    evaluation = image_classifier.evaluate(model, image_classifier.HeldOut(images, labels), input_scale=1 / 255)
    assert evaluation.loss == pytest.approx(keras_loss, rel=1e-4)
    assert evaluation.accuracy == pytest.approx(keras_accuracy)
    assert evaluation.confusion.sum() == 64
    wrong = image_classifier.misclassified(evaluation, labels, limit=5)
    assert len(wrong) <= 5 and np.all(evaluation.predictions[wrong] != labels[wrong])


def test_evaluate_of_one_sigmoid_output_agrees_with_keras_binary_evaluate():
    images = random_images(96, (6, 6, 3), seed=1)
    labels = (np.arange(96) % 2).astype(np.uint8)
    model = keras.Sequential(
        [
            keras.Input(shape=(6, 6, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.RandomNormal(0, 0.3, 2)),
        ]
    )
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    keras_loss, keras_accuracy = model.evaluate(images / 255.0, labels[:, None].astype(np.float32), verbose=0)
    evaluation = image_classifier.evaluate(model, image_classifier.HeldOut(images, labels, "validation"))
    assert 0.0 < keras_accuracy < 1.0, "the check should exercise both kinds of answer"
    assert evaluation.loss == pytest.approx(keras_loss, rel=1e-4)
    assert evaluation.accuracy == pytest.approx(keras_accuracy)
    sigmoid = np.asarray(model(images / 255.0))[:, 0]
    np.testing.assert_allclose(evaluation.probabilities, np.stack([1 - sigmoid, sigmoid], axis=1), atol=1e-6)
    np.testing.assert_array_equal(evaluation.predictions, (sigmoid > 0.5).astype(int))
    assert evaluation.confusion.shape == (2, 2) and evaluation.confusion.sum() == 96
    per_class = evaluation.per_class_accuracy
    for label in (0, 1):
        assert per_class[label] == pytest.approx(np.mean(evaluation.predictions[labels == label] == label))


def test_predict_probabilities_adds_the_channel_axis_a_convolution_expects():
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(2, (3, 3), kernel_initializer=keras.initializers.GlorotUniform(0)),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(1)),
        ]
    )
    images = random_images(5, (28, 28), seed=2)
    probabilities = image_classifier.predict_probabilities(model, images, input_scale=1 / 255, batch_size=2)
    expected = np.asarray(model(images[..., np.newaxis].astype(np.float32) / 255))
    assert probabilities.shape == (5, 10)
    np.testing.assert_allclose(probabilities, expected, atol=1e-6)
    np.testing.assert_allclose(image_classifier.classify(model, images[3]), expected[3], atol=1e-6)


def test_large_photos_are_scored_a_few_at_a_time_small_images_as_before():
    """256 photos of 300×300 at once put 1.4 GB in the course's first convolution's output while a
    job scored its network, more than the training itself may use; Fashion-MNIST keeps its 256."""
    assert image_classifier.inference_batch_size(np.zeros((1000, 28, 28), np.uint8)) == 256
    assert image_classifier.inference_batch_size(np.zeros((1000, 150, 150, 3), np.uint8)) == 31
    assert image_classifier.inference_batch_size(np.zeros((1000, 300, 300, 3), np.uint8)) == 7
    model = keras.Sequential([keras.Input(shape=(300, 300, 3)), keras.layers.GlobalAveragePooling2D()])
    seen = []
    model.add(keras.layers.Lambda(lambda batch: seen.append(batch.shape[0]) or batch[:, :1]))
    image_classifier.predict_probabilities(model, np.zeros((20, 300, 300, 3), np.uint8))
    assert [size for size in seen if size is not None] == [7, 7, 6]  # None: Keras building the layer


def apply_one_by_one(model: keras.Model, batch: np.ndarray) -> list[np.ndarray]:
    """Runs the layers in turn, keeping what each convolution and pooling layer outputs."""
    outputs = []
    for layer in model.layers:
        batch = layer(batch)
        if isinstance(layer, keras.layers.Conv2D | keras.layers.MaxPooling2D | keras.layers.AveragePooling2D):
            outputs.append(np.asarray(batch))
    return outputs


def blocks_of_two(feature_map: np.ndarray) -> np.ndarray:
    """(n, h, w, c) as (n, h/2, 2, w/2, 2, c): the non-overlapping 2×2 windows of 2×2 pooling."""
    count, height, width, channels = feature_map.shape
    return feature_map.reshape(count, height // 2, 2, width // 2, 2, channels)


def test_feature_maps_equal_the_layers_applied_one_by_one():
    model = keras.Sequential(
        [
            keras.Input(shape=(12, 12, 1)),
            keras.layers.Conv2D(3, (3, 3), activation="relu", kernel_initializer=keras.initializers.GlorotUniform(0)),
            keras.layers.MaxPooling2D(2, 2),
            keras.layers.Conv2D(4, (2, 2), activation="relu", kernel_initializer=keras.initializers.GlorotUniform(1)),
            keras.layers.AveragePooling2D(2, 2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    assert [type(layer).__name__ for layer in image_classifier.feature_layers(model)] == [
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "AveragePooling2D",
    ]
    images = random_images(3, (12, 12), seed=3)
    maps = image_classifier.feature_maps(model, images, input_scale=1 / 255)
    assert [feature_map.shape for feature_map in maps] == [(3, 10, 10, 3), (3, 5, 5, 3), (3, 4, 4, 4), (3, 2, 2, 4)]
    reference = apply_one_by_one(model, images[..., np.newaxis].astype(np.float32) / 255)
    for feature_map, expected in zip(maps, reference, strict=True):
        np.testing.assert_allclose(feature_map, expected, atol=1e-6)
    # Each pooling map is its convolution's map in 2×2 blocks: the largest, then the mean.
    np.testing.assert_allclose(maps[1], blocks_of_two(maps[0]).max(axis=(2, 4)), atol=1e-6)
    np.testing.assert_allclose(maps[3], blocks_of_two(maps[2]).mean(axis=(2, 4)), atol=1e-6)
