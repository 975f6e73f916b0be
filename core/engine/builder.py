"""A network's description (`core.base.layers`) made into the Keras model the dashboard trains.

Every lesson builds its model here, from the same description that writes its script and its
cost, so what the learner downloads is what the dashboard trained. The model starts with
`keras.Input`, as today's Keras writes it, and each layer gets its own dtype policy: the precision
is never set globally, since several learners' trainings share one process.
"""

from __future__ import annotations

import keras

from core.base import layers


def build(network: layers.Network) -> keras.Sequential:
    """The network as a `keras.Sequential`, layer for layer, each in the dtype its description gives."""
    return keras.Sequential(
        [
            keras.Input(shape=network.input_shape),
            *(keras_layer(layer, dtype) for layer, dtype in zip(network.layers, network.dtypes(), strict=True)),
        ]
    )


def keras_layer(layer: layers.Layer, dtype: str) -> keras.layers.Layer:
    """One described layer as the Keras layer it stands for."""
    match layer:
        case layers.Dense():
            return keras.layers.Dense(
                layer.units, activation=layer.activation, kernel_initializer=_initializer(layer.seed), dtype=dtype
            )
        case layers.Conv2D():
            return keras.layers.Conv2D(
                layer.filters,
                (layer.kernel_size, layer.kernel_size),
                activation=layer.activation,
                kernel_initializer=_initializer(layer.seed),
                dtype=dtype,
            )
        case layers.MaxPooling2D():
            return keras.layers.MaxPooling2D(layer.size, layer.size, dtype=dtype)
        case layers.AveragePooling2D():
            return keras.layers.AveragePooling2D(layer.size, layer.size, dtype=dtype)
        case layers.Flatten():
            return keras.layers.Flatten(dtype=dtype)
        case layers.RandomFlip():
            return keras.layers.RandomFlip(layer.mode, seed=layer.seed, dtype=dtype)
        case layers.RandomRotation():
            return keras.layers.RandomRotation(layer.factor, seed=layer.seed, dtype=dtype)
        case layers.RandomZoom():
            return keras.layers.RandomZoom(layer.factor, seed=layer.seed, dtype=dtype)
    raise ValueError(f"No Keras layer is known for {layer!r}.")


def _initializer(seed: int | None) -> keras.initializers.Initializer | str:
    """Seeded starting weights, so a run can be reproduced without touching global random state
    (several learners share a server); without a seed, Keras's default."""
    return "glorot_uniform" if seed is None else keras.initializers.GlorotUniform(seed=seed)
