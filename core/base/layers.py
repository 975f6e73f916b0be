"""A lesson's network described once, as data: its input, its layers and their settings.

The course's networks are stacks of a few kinds of Keras layer. Each lesson writes its stack
once, as a `Network` of the small frozen layer specs below, and everything else is derived from
that one description: the Keras model the dashboard trains (`core.engine.builder`), the model
code of the script a learner downloads (`core.engine.code_export`), and the network's size
before it is built (`Network.cost`: parameters and the numbers its layers output), so the three
cannot drift apart. TensorFlow-free: the cost of a network is known without loading it.

Shapes leave out the batch axis, as `model.summary()` shows them after "None".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.base import limits, precision

Shape = tuple[int, ...]


def _argument(name: str, value: object) -> str:
    """`name=value` as Python source, or nothing for a setting left to Keras's default (None)."""
    return "" if value is None else f"{name}={value!r}"


def _kernel_initializer(seed: int | None, seeded: bool) -> str:
    """The seeded starting weights, written out so a script starts where the dashboard did."""
    if seed is None or not seeded:
        return ""
    return f"kernel_initializer=keras.initializers.GlorotUniform(seed={seed})"


def _call(kind: str, *arguments: str) -> str:
    return f"keras.layers.{kind}({', '.join(argument for argument in arguments if argument)})"


def _checked(shape: Shape, layer: object) -> Shape:
    if min(shape) < 1:
        raise ValueError(f"{layer} leaves an output of shape {shape}: the image has shrunk to nothing.")
    return shape


@dataclass(frozen=True)
class Dense:
    """A fully connected layer: every output is a weighted sum of every input, plus a bias."""

    units: int
    activation: str | None = None  # None: linear, w·x + b (Lesson 1's neuron)
    seed: int | None = None  # seeds the GlorotUniform starting weights; None leaves them to Keras

    def output_shape(self, shape: Shape) -> Shape:
        return (*shape[:-1], self.units)

    def parameters(self, shape: Shape) -> int:
        return shape[-1] * self.units + self.units  # a weight per input and unit, a bias per unit

    def source(self, seeded: bool = True, dtype: str | None = None) -> str:
        return _call(
            "Dense",
            repr(self.units),
            _argument("activation", self.activation),
            _kernel_initializer(self.seed, seeded),
            _argument("dtype", dtype),
        )


@dataclass(frozen=True)
class Conv2D:
    """Square filters slid over the image without padding ("valid"), one output map per filter."""

    filters: int
    kernel_size: int  # 3 for 3×3 filters
    activation: str | None = None
    seed: int | None = None

    def output_shape(self, shape: Shape) -> Shape:
        height, width, _ = shape
        lost = self.kernel_size - 1  # a valid convolution loses kernel - 1 pixels on each axis
        return _checked((height - lost, width - lost, self.filters), self)

    def parameters(self, shape: Shape) -> int:
        return self.kernel_size**2 * shape[-1] * self.filters + self.filters

    def source(self, seeded: bool = True, dtype: str | None = None) -> str:
        return _call(
            "Conv2D",
            repr(self.filters),
            repr((self.kernel_size, self.kernel_size)),
            _argument("activation", self.activation),
            _kernel_initializer(self.seed, seeded),
            _argument("dtype", dtype),
        )


@dataclass(frozen=True)
class _Pooling2D:
    """What both poolings share: size × size windows, moved a whole window at a time."""

    size: int = 2

    def output_shape(self, shape: Shape) -> Shape:
        height, width, channels = shape
        return _checked(((height - self.size) // self.size + 1, (width - self.size) // self.size + 1, channels), self)

    def parameters(self, shape: Shape) -> int:
        return 0

    def source(self, seeded: bool = True, dtype: str | None = None) -> str:
        return _call(type(self).__name__, repr(self.size), repr(self.size), _argument("dtype", dtype))


@dataclass(frozen=True)
class MaxPooling2D(_Pooling2D):
    """Keeps the strongest response of every window: the course's pooling."""


@dataclass(frozen=True)
class AveragePooling2D(_Pooling2D):
    """Averages every window instead: Lesson 3 shows why the course keeps the maximum."""


@dataclass(frozen=True)
class Flatten:
    """The image's pixels (or feature maps) as one long row, for the Dense layers after it."""

    def output_shape(self, shape: Shape) -> Shape:
        return (math.prod(shape),)

    def parameters(self, shape: Shape) -> int:
        return 0

    def source(self, seeded: bool = True, dtype: str | None = None) -> str:
        return _call("Flatten", _argument("dtype", dtype))


def _augmentation(kind: str, setting: object, seed: int | None, seeded: bool, dtype: str | None) -> str:
    return _call(kind, repr(setting), _argument("seed", seed if seeded else None), _argument("dtype", dtype))


class _Augmentation:
    """Random changes to the photos while training (Keras skips them at prediction time): the
    shape stays as it is and nothing is learned."""

    def output_shape(self, shape: Shape) -> Shape:
        return shape

    def parameters(self, shape: Shape) -> int:
        return 0


@dataclass(frozen=True)
class RandomFlip(_Augmentation):
    """Mirrors some photos."""

    mode: str = "horizontal"
    seed: int | None = None

    def source(self, seeded: bool = True, dtype: str | None = None) -> str:
        return _augmentation("RandomFlip", self.mode, self.seed, seeded, dtype)


@dataclass(frozen=True)
class RandomRotation(_Augmentation):
    """Turns some photos by up to `factor` of a full turn."""

    factor: float = 0.1
    seed: int | None = None

    def source(self, seeded: bool = True, dtype: str | None = None) -> str:
        return _augmentation("RandomRotation", self.factor, self.seed, seeded, dtype)


@dataclass(frozen=True)
class RandomZoom(_Augmentation):
    """Zooms some photos in or out by up to `factor` of their height."""

    factor: float = 0.2
    seed: int | None = None

    def source(self, seeded: bool = True, dtype: str | None = None) -> str:
        return _augmentation("RandomZoom", self.factor, self.seed, seeded, dtype)


# Every layer answers the same three questions about itself: `output_shape(shape)` and
# `parameters(shape)` for the shape it receives, and `source(seeded, dtype)`, its line of the exported
# script (`seeded` writes its seeds out, `dtype` names a dtype policy other than the script's own).
Layer = Dense | Conv2D | MaxPooling2D | AveragePooling2D | Flatten | RandomFlip | RandomRotation | RandomZoom


@dataclass(frozen=True)
class Network:
    """A lesson's network: what it takes in, its layers in order, and the number format they
    compute in. Under bfloat16 every layer but the output computes in Keras's `mixed_bfloat16`
    and the output stays float32 (`core.base.precision`); otherwise every layer is float32."""

    input_shape: Shape  # one example, e.g. (28, 28) for a Fashion-MNIST image
    layers: tuple[Layer, ...]
    bfloat16: bool = False

    def __post_init__(self) -> None:
        if not self.layers:
            raise ValueError("A network needs at least one layer.")
        self.shapes()  # refuses a stack that shrinks its input to nothing, before anything is built

    def dtypes(self) -> tuple[str, ...]:
        """Each layer's dtype policy, as the dashboard builds it."""
        hidden = precision.layer_dtype(self.bfloat16)
        return (*(hidden for _ in self.layers[:-1]), precision.FLOAT32)

    def input_shapes(self) -> tuple[Shape, ...]:
        """What each layer receives: the input, then the output of the layer before it."""
        shapes = [self.input_shape]
        for layer in self.layers[:-1]:
            shapes.append(layer.output_shape(shapes[-1]))
        return tuple(shapes)

    def shapes(self) -> tuple[Shape, ...]:
        """Each layer's output shape, as `model.summary()` lists them."""
        return tuple(layer.output_shape(shape) for layer, shape in zip(self.layers, self.input_shapes(), strict=True))

    def layer_parameters(self) -> tuple[int, ...]:
        return tuple(layer.parameters(shape) for layer, shape in zip(self.layers, self.input_shapes(), strict=True))

    def parameters(self) -> int:
        """Every weight and bias: `model.count_params()` without building the model."""
        return sum(self.layer_parameters())

    def activations_per_example(self) -> int:
        """The numbers one example puts through the network and keeps for the backward pass: the
        input and every layer's output (augmented copies included)."""
        return math.prod(self.input_shape) + sum(math.prod(shape) for shape in self.shapes())

    def cost(self) -> limits.ModelCost:
        """The network's size, known before it is built, for the memory a training may take."""
        return limits.ModelCost(
            self.parameters(),
            self.activations_per_example(),
            activation_bytes=2 if self.bfloat16 else limits.FLOAT_BYTES,
        )
