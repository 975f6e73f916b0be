"""Lesson 3's CNN: shapes, parameter counts and feature maps against Keras and hand arithmetic."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.base import language
from core.computer_vision import dense_network
from core.convolutions import cnn
from core.engine import image_classifier, training


def test_course_cnn_summary_matches_keras_and_the_course():
    model = cnn.make_model(cnn.CnnConfig())
    summary = cnn.model_summary(model, words=language.words("en"))
    assert list(summary["output shape"][:4]) == [
        "(batch, 26, 26, 64)",
        "(batch, 13, 13, 64)",
        "(batch, 11, 11, 64)",
        "(batch, 5, 5, 64)",
    ]
    per_layer = [layer.count_params() for layer in model.layers]
    assert list(summary["parameters"][:-1]) == per_layer
    assert summary["parameters"].iloc[-1] == model.count_params() == 243_786
    # by hand: 3*3*1*64+64, 3*3*64*64+64, 1600*128+128, 128*10+10
    assert per_layer[0] == 640 and per_layer[2] == 36_928 and per_layer[5] == 204_928 and per_layer[6] == 1_290


@pytest.mark.parametrize("blocks,kernel,pooling", [(1, 5, "average"), (3, 3, "max"), (2, 5, "max")])
def test_feature_maps_have_the_shape_of_every_layer(blocks, kernel, pooling):
    config = cnn.CnnConfig(conv_blocks=blocks, kernel_size=kernel, pooling=pooling, filters=16)
    model = cnn.make_model(config)
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    maps = image_classifier.feature_maps(model, images)
    layers = image_classifier.feature_layers(model)
    assert len(maps) == len(layers) == 2 * blocks
    for layer_maps, layer in zip(maps, layers, strict=True):
        assert layer_maps.shape == (3, *tuple(layer.output.shape)[1:])
    side = 28
    for layer_maps in maps[::2]:  # convolutions: valid padding loses kernel-1 pixels
        side -= kernel - 1
        assert layer_maps.shape[1] == side
        side //= 2


def test_feature_maps_equal_the_layers_applied_one_by_one():
    model = cnn.make_model(cnn.CnnConfig(filters=16))
    images = np.random.default_rng(1).integers(0, 256, size=(2, 28, 28), dtype=np.uint8)
    maps = image_classifier.feature_maps(model, images)
    output = images[..., None].astype(np.float32) / 255
    for layer, layer_maps in zip(model.layers[:4], maps, strict=True):
        output = np.asarray(layer(output))
        np.testing.assert_allclose(layer_maps, output, atol=1e-5)


def test_first_layer_kernels_are_the_conv_weights():
    model = cnn.make_model(cnn.CnnConfig(filters=32))
    kernels = cnn.first_layer_kernels(model)
    weights = np.asarray(model.layers[0].kernel)
    assert kernels.shape == (32, 3, 3)
    np.testing.assert_array_equal(kernels[5], weights[:, :, 0, 5])


def test_training_flops_count_the_course_network():
    model = cnn.make_model(cnn.CnnConfig())
    forward = 2 * (26 * 26 * 64 * 9 + 11 * 11 * 64 * 9 * 64 + 1600 * 128 + 128 * 10)
    assert cnn.training_flops_per_example(model) == 3 * forward


def test_same_class_examples_are_of_that_class():
    labels = np.array([1, 9, 9, 2, 9, 9])
    chosen = cnn.same_class_examples(labels, 9, count=3)
    assert len(set(chosen)) == 3 and np.all(labels[chosen] == 9)


@pytest.mark.parametrize(
    "settings",
    [
        dict(conv_blocks=4),
        dict(filters=48),
        dict(kernel_size=4),
        dict(pooling="min"),
        dict(conv_blocks=3, kernel_size=5),
    ],
)
def test_impossible_networks_are_refused(settings):
    with pytest.raises(ValueError):
        cnn.CnnConfig(**settings)


def test_the_default_model_is_the_courses_network_layer_for_layer():
    """The course's `model.summary()`: two 3×3 convolutions of 64 filters, each halved by 2×2 max
    pooling, then Dense(128, relu) and Dense(10, softmax): 243,786 parameters."""
    model = cnn.make_model(cnn.CnnConfig())
    summary = [
        (type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params(), getattr(layer, "activation", None))
        for layer in model.layers
    ]
    relu, softmax = keras.activations.relu, keras.activations.softmax
    assert model.input_shape == (None, 28, 28, 1)
    assert summary == [
        ("Conv2D", (26, 26, 64), 640, relu),
        ("MaxPooling2D", (13, 13, 64), 0, None),
        ("Conv2D", (11, 11, 64), 36_928, relu),
        ("MaxPooling2D", (5, 5, 64), 0, None),
        ("Flatten", (1600,), 0, None),
        ("Dense", (128,), 204_928, relu),
        ("Dense", (10,), 1_290, softmax),
    ]
    assert model.count_params() == 243_786


def test_input_scale_follows_the_scale_pixels_switch():
    assert cnn.CnnConfig().input_scale == pytest.approx(1 / 255)
    assert cnn.CnnConfig(scale_pixels=False).input_scale == 1.0


def test_feature_maps_of_unscaled_pixels_use_the_configs_input_scale():
    config = cnn.CnnConfig(filters=16, scale_pixels=False)
    model = cnn.make_model(config)
    images = np.random.default_rng(2).integers(0, 256, size=(2, 28, 28), dtype=np.uint8)
    first_convolution = image_classifier.feature_maps(model, images, config.input_scale)[0]
    expected = np.asarray(model.layers[0](images[..., None].astype(np.float32)))  # 0..255, not 0..1
    np.testing.assert_allclose(first_convolution, expected, rtol=1e-5, atol=1e-3)


def test_the_configs_stop_rule_stops_the_cnn():
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(32, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=32).astype(np.uint8)
    config = cnn.CnnConfig(filters=16, epochs=3, stop=training.StopAtTarget(metric="loss", target=1e6))
    trainer = cnn.make_trainer(config, cnn.make_model(config), images, labels)
    history = trainer.run(training.TrainingHistory(config.epochs))
    assert history.stopped_at_target == 1 and history.epochs_run == 1
    unstopped = cnn.CnnConfig(filters=16, epochs=2)
    history = cnn.make_trainer(unstopped, cnn.make_model(unstopped), images, labels).run(training.TrainingHistory(2))
    assert history.stopped_at_target is None and history.epochs_run == 2


def test_dense_baseline_is_lesson_twos_course_network():
    baseline = cnn.dense_baseline()
    lesson_two = dense_network.make_model(dense_network.DenseNetConfig())
    assert baseline.input_shape == lesson_two.input_shape and baseline.output_shape == lesson_two.output_shape
    described = [
        [(type(layer).__name__, tuple(layer.output.shape), layer.count_params()) for layer in model.layers]
        for model in (baseline, lesson_two)
    ]
    assert described[0] == described[1]
    activations = [
        [getattr(layer, "activation", None).__name__ for layer in model.layers if hasattr(layer, "activation")]
        for model in (baseline, lesson_two)
    ]
    assert activations[0] == activations[1] == ["relu", "softmax"]


def test_settings_the_network_cannot_take_are_refused_in_the_learners_language():
    with pytest.raises(language.LearnerError, match="3×3 filters") as refused:
        cnn.CnnConfig(conv_blocks=3, kernel_size=5)
    assert language.words("ko").say(refused.value.message).endswith("3×3 필터를 사용하세요.")
    with pytest.raises(ValueError, match=r"one of \(16, 32, 64, 128\)"):
        cnn.CnnConfig(filters=48)
