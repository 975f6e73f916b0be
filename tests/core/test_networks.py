"""Each lesson's network is described once (`core.base.layers`); over a grid of every lesson's
settings, the three things made from that description agree: the Keras model the app trains, the
model the exported script builds, and the cost worked out without TensorFlow.

They are compared layer by layer: kinds, output shapes, parameters (and `count_params()`), dtype
policies and every Keras setting, and, where the script writes out the app's seeds, the starting
weights themselves.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import pytest

from core.base import language, layers, limits
from core.computer_vision import dense_network
from core.convolutions import cnn
from core.hello_world import exercise as house_prices
from core.hello_world import neuron
from core.real_world_images import network as real_world
from tests.core.script_models import dtype_policies, layer_settings, script_model

EN = language.words("en")


@dataclass(frozen=True)
class Case:
    """One setting of one lesson: its description, how the app builds it, and its script."""

    description: layers.Network
    app_model: Callable[[], keras.Model]
    script: Callable[[], str] | None = None  # None where the lesson exports no script
    same_start: bool = True  # the script writes out the app's seeded starting weights
    cost: Callable[[], limits.ModelCost] | None = None  # the lesson's own cost function, where it has one


def hello_world_cases() -> dict[str, Case]:
    points = neuron.make_points(neuron.LineDataConfig())
    cases = {
        f"lesson1-seed{seed}": Case(
            neuron.network(seed),
            lambda seed=seed: neuron.make_model(seed),
            lambda seed=seed: neuron.make_script(points, neuron.NeuronConfig(seed=seed), words=EN),
        )
        for seed in (0, 3)
    }
    for hidden in (0, 8):
        config = house_prices.HousePricesConfig(hidden_units=hidden, seed=2)
        cases[f"week1-hidden{hidden}"] = Case(
            house_prices.network(config), lambda config=config: house_prices.make_model(config)
        )
    return cases


def dense_cases() -> dict[str, Case]:
    cases = {}
    for hidden, activation, bfloat16 in itertools.product(
        [(16,), (128,), (256, 64, 32)], dense_network.ACTIVATIONS, [False, True]
    ):
        config = dense_network.DenseNetConfig(
            hidden_units=hidden, activation=activation, bfloat16=bfloat16, seed=len(hidden)
        )
        cases[f"lesson2-{'x'.join(map(str, hidden))}-{activation}-bf16{bfloat16}"] = Case(
            dense_network.network(config),
            lambda config=config: dense_network.make_model(config),
            lambda config=config: dense_network.make_script(config, words=EN),
        )
    return cases


def cnn_cases() -> dict[str, Case]:
    cases = {}
    grid = itertools.product([1, 2, 3], [3, 5], ["max", "average"], [False, True])
    for index, (blocks, kernel, pooling, bfloat16) in enumerate(grid):
        if blocks == 3 and kernel == 5:
            continue  # refused: it shrinks the image to nothing
        config = cnn.CnnConfig(
            conv_blocks=blocks,
            kernel_size=kernel,
            pooling=pooling,
            filters=cnn.FILTER_CHOICES[index % len(cnn.FILTER_CHOICES)],
            dense_units=(16, 128, 1024)[index % 3],
            bfloat16=bfloat16,
            seed=index,
        )
        cases[f"lesson3-{blocks}x{config.filters}-k{kernel}-{pooling}-d{config.dense_units}-bf16{bfloat16}"] = Case(
            cnn.network(config),
            lambda config=config: cnn.make_model(config),
            lambda config=config: cnn.make_script(config, words=language.words("en")),
        )
    cases["lesson3-dense-baseline"] = Case(cnn.DENSE_BASELINE, cnn.dense_baseline)
    return cases


def real_world_cases() -> dict[str, Case]:
    # Every block count at 150×150 and the small networks at 300×300 (one block there has 181,872,065
    # parameters: `test_network.py` checks its cost alone), with augmentation, classes and precision
    # varied across them, and all eight of those at the course's five blocks.
    settings = [(150, blocks) for blocks in (1, 2, 3, 4)] + [(300, blocks) for blocks in (4, 5)]
    options = list(itertools.product([False, True], [2, 3], [False, True]))
    grid = [(*size_blocks, *options[index % len(options)]) for index, size_blocks in enumerate(settings)]
    grid += [(150, 5, *option) for option in options]
    cases = {}
    for size, blocks, augment, classes, bfloat16 in grid:
        config = real_world.RealWorldConfig(
            image_size=size, conv_blocks=blocks, augment=augment, bfloat16=bfloat16, seed=blocks
        )
        cases[f"lesson4-{size}px-{blocks}blocks-augment{augment}-{classes}classes-bf16{bfloat16}"] = Case(
            real_world.network(config, classes),
            lambda config=config, classes=classes: real_world.make_model(config, classes),
            lambda config=config, classes=classes: real_world.make_script(
                config, num_classes=classes, words=language.words("en")
            ),
            same_start=False,  # the script leaves the starting weights to Keras
            cost=lambda config=config, classes=classes: real_world.cost(config, classes),
        )
    return cases


CASES = {**hello_world_cases(), **dense_cases(), **cnn_cases(), **real_world_cases()}


def assert_model_is_the_description(model: keras.Model, description: layers.Network) -> None:
    """The built model, layer by layer, against what the description works out without Keras."""
    assert tuple(model.input_shape[1:]) == description.input_shape
    assert [type(layer).__name__ for layer in model.layers] == [type(layer).__name__ for layer in description.layers]
    assert [tuple(layer.output.shape[1:]) for layer in model.layers] == list(description.shapes())
    assert [layer.count_params() for layer in model.layers] == list(description.layer_parameters())
    assert model.count_params() == description.parameters()
    assert dtype_policies(model) == list(description.dtypes())
    outputs = [math.prod(layer.output.shape[1:]) for layer in model.layers]
    assert description.activations_per_example() == math.prod(description.input_shape) + sum(outputs)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_apps_model_the_scripts_model_and_the_cost_agree(case: Case):
    app = case.app_model()
    assert_model_is_the_description(app, case.description)
    cost = case.description.cost()
    bfloat16 = any(layer.compute_dtype == "bfloat16" for layer in app.layers)
    assert (cost.parameters, cost.activation_bytes) == (app.count_params(), 2 if bfloat16 else limits.FLOAT_BYTES)
    if case.cost is not None:
        assert case.cost() == cost
    if case.script is None:
        return
    script = script_model(case.script())
    assert_model_is_the_description(script, case.description)
    assert layer_settings(script) == layer_settings(app)  # activations, kernels, strides, factors, dtypes, ...
    if case.same_start:
        for script_weights, app_weights in zip(script.get_weights(), app.get_weights(), strict=True):
            np.testing.assert_array_equal(script_weights, app_weights)


def test_the_grid_covers_every_lessons_choices():
    """The grid reaches every kind of layer, activation and precision the lessons offer."""
    descriptions = [case.description for case in CASES.values()]
    kinds = {type(layer).__name__ for description in descriptions for layer in description.layers}
    assert kinds == {
        "Dense",
        "Conv2D",
        "MaxPooling2D",
        "AveragePooling2D",
        "Flatten",
        "RandomFlip",
        "RandomRotation",
        "RandomZoom",
    }
    activations = {getattr(layer, "activation", None) for description in descriptions for layer in description.layers}
    assert activations == {None, "relu", "sigmoid", "tanh", "softmax"}
    assert {description.bfloat16 for description in descriptions} == {False, True}
    assert sum(case.script is not None for case in CASES.values()) > 40
