"""The map of the held-out images: the sample, PCA against an eigendecomposition, t-SNE's shape and
seed, the last hidden layer read against a hand computation, the starting weights against each
lesson's `make_model`, and classes that pull apart when a network trains on Fashion-MNIST."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.base import language
from core.computer_vision import dense_network
from core.convolutions import cnn
from core.data import fashion_mnist
from core.engine import embedding_map, image_classifier, training
from core.real_world_images import network


def test_the_sample_keeps_every_classs_share_and_is_the_same_for_a_seed():
    labels = np.repeat(np.arange(4), [500, 300, 150, 50])
    chosen = embedding_map.sample(labels, most=100, seed=3)
    assert len(chosen) == 100 and np.all(np.diff(chosen) > 0)
    np.testing.assert_array_equal(np.bincount(labels[chosen]), [50, 30, 15, 5])
    np.testing.assert_array_equal(chosen, embedding_map.sample(labels, most=100, seed=3))
    assert not np.array_equal(chosen, embedding_map.sample(labels, most=100, seed=4))
    uneven = embedding_map.sample(np.repeat(np.arange(3), [10, 10, 10]), most=20)  # 6.67 each: one class gets 7
    assert len(uneven) == 20
    np.testing.assert_array_equal(embedding_map.sample(labels[:80], most=100), np.arange(80))  # fewer: all of them


def test_pca_axes_are_the_covariances_leading_eigenvectors_with_a_fixed_sign():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 6)) * [5, 3, 1, 0.5, 0.2, 0.1] @ np.linalg.qr(rng.normal(size=(6, 6)))[0]
    centre, axes, explained = embedding_map.principal_axes(vectors)
    np.testing.assert_allclose(centre, vectors.mean(axis=0))
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(vectors.T))
    leading = eigenvectors[:, ::-1][:, :2].T
    for axis, reference in zip(axes, leading, strict=True):
        np.testing.assert_allclose(np.abs(axis @ reference), 1.0, atol=1e-9)  # the same direction, up to sign
        assert axis[np.argmax(np.abs(axis))] > 0  # its largest entry positive
    np.testing.assert_allclose(explained, eigenvalues[::-1][:2] / eigenvalues.sum())
    _, mirrored, _ = embedding_map.principal_axes(-vectors)
    np.testing.assert_allclose(mirrored, axes)  # a mirror image of the data gives the same axes


def features_of(vectors: np.ndarray, labels: np.ndarray) -> embedding_map.Features:
    return embedding_map.Features(vectors.astype(np.float32), labels.copy())


def clusters(per_class: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three well-apart groups of points in 8 dimensions."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), per_class)
    centres = rng.normal(scale=10, size=(3, 8))
    return centres[labels] + rng.normal(size=(len(labels), 8)), labels


def test_a_pca_map_has_a_point_per_image_and_places_a_new_image_on_the_same_axes():
    vectors, labels = clusters()
    indices = np.arange(100, 100 + len(labels))
    mapped = embedding_map.embedding_map(features_of(vectors, labels), labels, indices)
    assert mapped.points.shape == (len(labels), 2) and mapped.method == "pca"
    np.testing.assert_array_equal(mapped.indices, indices)
    np.testing.assert_allclose(mapped.project_extra(vectors[:5]), mapped.points[:5], atol=1e-4)
    again = embedding_map.embedding_map(features_of(vectors, labels), labels, indices)
    np.testing.assert_array_equal(again.points, mapped.points)
    assert not mapped.wrong.any()


def test_a_tsne_map_is_the_same_for_a_seed_and_places_a_new_image_among_its_nearest():
    vectors, labels = clusters()
    found = features_of(vectors, labels)
    mapped = embedding_map.embedding_map(found, labels, np.arange(len(labels)), "tsne", seed=1)
    assert mapped.points.shape == (len(labels), 2) and mapped.axes is None
    again = embedding_map.embedding_map(found, labels, np.arange(len(labels)), "tsne", seed=1)
    np.testing.assert_allclose(again.points, mapped.points)
    assert embedding_map.nearest_centre_accuracy(mapped.points, labels) == 1.0  # the groups stay apart
    placed = mapped.project_extra(vectors[:1] + 0.01)
    nearest = np.argsort(np.sum(np.square(vectors - vectors[0]), axis=1))[: embedding_map.NEIGHBOURS]
    np.testing.assert_allclose(placed[0], mapped.points[nearest].mean(axis=0), atol=1e-6)


def test_tsne_refuses_too_few_images_in_the_learners_language():
    vectors, labels = clusters(per_class=3)
    with pytest.raises(language.LearnerError) as refused:
        embedding_map.embedding_map(features_of(vectors, labels), labels, np.arange(9), "tsne")
    assert "at least 10" in str(refused.value)
    with pytest.raises(ValueError):
        embedding_map.embedding_map(features_of(vectors, labels), labels, np.arange(9), "umap")


def test_separation_and_nearest_centre_accuracy_against_hand_counts():
    points = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 0.0], [12.0, 0.0]])
    labels = np.array([0, 0, 1, 1])
    # Class centres 1 and 11 around 6: between = 2 * 25 + 2 * 25 = 100; within = 4 * 1 = 4.
    assert embedding_map.separation(points, labels) == pytest.approx(25.0)
    assert embedding_map.nearest_centre_accuracy(points, labels) == 1.0
    mixed = np.array([0, 1, 1, 0])  # both centres at 6: no separation
    assert embedding_map.separation(points, mixed) == pytest.approx(0.0)
    assert embedding_map.nearest_centre_accuracy(points, mixed) == 0.5  # ties go to the first class


def test_features_are_the_output_layers_input_and_answers_the_outputs_argmax():
    model = dense_network.make_model(dense_network.DenseNetConfig(hidden_units=(16,)))
    images = np.random.default_rng(0).integers(0, 256, size=(300, 28, 28), dtype=np.uint8)
    found = embedding_map.features(model, images, 1 / 255, batch_size=128)  # batches that end mid-way
    hidden, output = model.layers[-2], model.layers[-1]
    kernel, bias = (np.asarray(weight) for weight in hidden.weights)
    expected = np.maximum(images.reshape(300, -1) / 255.0 @ kernel + bias, 0)
    assert found.vectors.shape == (300, 16) and found.vectors.dtype == np.float32
    np.testing.assert_allclose(found.vectors, expected, rtol=1e-4, atol=1e-5)
    probabilities = image_classifier.predict_probabilities(model, images)
    np.testing.assert_array_equal(found.predictions, probabilities.argmax(axis=1))
    assert output.units == 10


def test_a_bfloat16_network_is_read_in_float32_and_a_sigmoid_answers_above_one_half():
    config = network.RealWorldConfig(conv_blocks=1, bfloat16=True)
    model = network.make_model(config)
    photos = np.random.default_rng(1).integers(0, 256, size=(6, 150, 150, 3), dtype=np.uint8)
    found = embedding_map.features(model, photos, config.input_scale)
    assert found.vectors.dtype == np.float32 and found.vectors.shape == (6, model.layers[-1].input.shape[-1])
    probabilities = image_classifier.predict_probabilities(model, photos, config.input_scale)
    np.testing.assert_array_equal(found.predictions, probabilities.argmax(axis=1))


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: dense_network.make_model(dense_network.DenseNetConfig(hidden_units=(32, 16), seed=4)),
        lambda: cnn.make_model(cnn.CnnConfig(filters=16, dense_units=16, seed=2)),
        lambda: network.make_model(network.RealWorldConfig(conv_blocks=2, seed=5), num_classes=3),
    ],
    ids=["dense", "cnn", "real_world"],
)
def test_the_starting_model_has_the_weights_the_lessons_make_model_starts_from(make_model):
    trained = make_model()
    trained.set_weights([weight + 1.0 for weight in trained.get_weights()])  # as if trained
    starting = embedding_map.starting_model(trained)
    for got, expected in zip(starting.get_weights(), make_model().get_weights(), strict=True):
        np.testing.assert_array_equal(got, expected)
    assert [layer.dtype_policy.name for layer in starting.layers] == [
        layer.dtype_policy.name for layer in trained.layers
    ]


@pytest.fixture(scope="module")
def fashion() -> fashion_mnist.FashionMNIST:
    return fashion_mnist.load_fashion_mnist(allow_download=False)


def test_a_trained_network_pulls_the_fashion_classes_apart(fashion):
    """A short training (1,000 images, 2 epochs with the core trainer) already separates the classes
    on the map far more than the same network with its starting weights does (measured here: the
    spread ratio from 1.3 to 2.6, the nearest-centre sort from 36% to 50%)."""
    config = dense_network.DenseNetConfig(hidden_units=(64,), epochs=2, seed=0)
    train = embedding_map.sample(fashion.train_labels, most=1000, seed=0)
    model = dense_network.make_model(config)
    trainer = dense_network.make_trainer(config, model, fashion.train_images[train], fashion.train_labels[train])
    trainer.run(training.TrainingHistory(config.epochs))
    held_out = image_classifier.HeldOut(fashion.test_images, fashion.test_labels)
    maps = embedding_map.before_and_after(model, held_out, config.input_scale, most=1000)
    assert maps.before.points.shape == maps.after.points.shape == (1000, 2)
    np.testing.assert_array_equal(maps.before.indices, maps.after.indices)
    np.testing.assert_array_equal(np.bincount(maps.after.labels), [100] * 10)
    before = embedding_map.separation(maps.before.points, maps.before.labels)
    after = embedding_map.separation(maps.after.points, maps.after.labels)
    sorted_before = embedding_map.nearest_centre_accuracy(maps.before.points, maps.before.labels)
    sorted_after = embedding_map.nearest_centre_accuracy(maps.after.points, maps.after.labels)
    assert after > 1.5 * before, (before, after)
    assert sorted_after > sorted_before + 0.08, (sorted_before, sorted_after)
    assert maps.before.wrong.mean() > maps.after.wrong.mean()  # the untrained network's answers are guesses
    again = embedding_map.before_and_after(model, held_out, config.input_scale, most=1000)
    np.testing.assert_array_equal(again.after.points, maps.after.points)
    np.testing.assert_array_equal(again.before.points, maps.before.points)
    drawn = embedding_map.features(model, fashion.test_images[:3], config.input_scale)
    assert maps.after.project_extra(drawn.vectors).shape == (3, 2)


def test_a_smaller_held_out_set_than_the_most_is_mapped_whole():
    config = dataclasses.replace(cnn.CnnConfig(), filters=16, dense_units=16)
    model = cnn.make_model(config)
    images = np.random.default_rng(2).integers(0, 256, size=(40, 28, 28), dtype=np.uint8)
    labels = np.arange(40) % 10
    maps = embedding_map.before_and_after(model, image_classifier.HeldOut(images, labels), config.input_scale)
    np.testing.assert_array_equal(maps.after.indices, np.arange(40))
    assert maps.after.points.shape == (40, 2)
