"""A network's description without TensorFlow: shapes and parameters against hand arithmetic and
the course's published figures, and each layer's line of the exported script."""

from __future__ import annotations

import pytest

from core.base import layers, limits


def course_cnn(kernel: int = 3) -> layers.Network:
    """Lesson 3's course CNN: Conv2D(64) + MaxPooling2D twice, Dense(128), Dense(10)."""
    block = (layers.Conv2D(64, kernel, activation="relu"), layers.MaxPooling2D(2))
    dense = (layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax"))
    return layers.Network((28, 28, 1), (*block, *block, *dense))


def test_the_course_cnn_has_the_shapes_and_parameters_of_its_summary():
    network = course_cnn()
    assert network.shapes() == ((26, 26, 64), (13, 13, 64), (11, 11, 64), (5, 5, 64), (1600,), (128,), (10,))
    # by hand: 3*3*1*64+64, 3*3*64*64+64, 1600*128+128, 128*10+10
    assert network.layer_parameters() == (640, 0, 36_928, 0, 0, 204_928, 1_290)
    assert network.parameters() == 243_786  # what model.summary() prints for the course's CNN


def test_lesson_twos_course_network_and_the_neuron():
    dense = layers.Network((28, 28), (layers.Flatten(), layers.Dense(128, "relu"), layers.Dense(10, "softmax")))
    assert dense.parameters() == 784 * 128 + 128 + 128 * 10 + 10 == 101_770
    neuron = layers.Network((1,), (layers.Dense(1),))
    assert neuron.shapes() == ((1,),) and neuron.parameters() == 2  # w and b


def test_pooling_drops_an_odd_row_and_augmentation_keeps_the_shape():
    photo = (149, 149, 16)
    assert layers.MaxPooling2D(2).output_shape(photo) == layers.AveragePooling2D(2).output_shape(photo) == (74, 74, 16)
    for augmentation in (layers.RandomFlip(), layers.RandomRotation(0.1), layers.RandomZoom(0.2)):
        assert augmentation.output_shape(photo) == photo and augmentation.parameters(photo) == 0


def test_the_cost_counts_the_input_and_every_layers_output_in_the_precision_it_computes():
    network = layers.Network((4, 4, 1), (layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)))
    # input 16, convolution 2*2*2 = 8, flattened 8, dense 3
    assert network.activations_per_example() == 16 + 8 + 8 + 3
    assert network.cost() == limits.ModelCost(network.parameters(), 35, activation_bytes=4)
    mixed = layers.Network(network.input_shape, network.layers, bfloat16=True)
    assert mixed.cost().activation_bytes == 2
    assert mixed.dtypes() == ("mixed_bfloat16", "mixed_bfloat16", "float32")  # the output stays float32
    assert network.dtypes() == ("float32",) * 3


def test_a_stack_that_shrinks_the_image_to_nothing_is_refused_before_anything_is_built():
    with pytest.raises(ValueError, match="shrunk to nothing"):
        course_cnn(kernel=13)
    with pytest.raises(ValueError, match="at least one layer"):
        layers.Network((1,), ())


def test_each_layer_writes_its_line_of_the_script_as_the_course_does():
    convolution = layers.Conv2D(64, 3, activation="relu", seed=1)
    assert convolution.source() == (
        "keras.layers.Conv2D(64, (3, 3), activation='relu', "
        "kernel_initializer=keras.initializers.GlorotUniform(seed=1))"
    )
    assert convolution.source(seeded=False) == "keras.layers.Conv2D(64, (3, 3), activation='relu')"
    assert layers.Dense(10, "softmax").source(dtype="float32") == (
        "keras.layers.Dense(10, activation='softmax', dtype='float32')"
    )
    assert layers.Dense(1).source() == "keras.layers.Dense(1)"
    assert layers.MaxPooling2D(2).source() == "keras.layers.MaxPooling2D(2, 2)"
    assert layers.AveragePooling2D(2).source() == "keras.layers.AveragePooling2D(2, 2)"
    assert layers.Flatten().source() == "keras.layers.Flatten()"
    assert layers.RandomFlip("horizontal", seed=4).source() == "keras.layers.RandomFlip('horizontal', seed=4)"
    assert layers.RandomZoom(0.2, seed=4).source(seeded=False) == "keras.layers.RandomZoom(0.2)"
