"""The model an exported script builds, and what to compare it by: the tests of "show the code"
run the script's model statement on its own (no data, no training) and hold it against the app's."""

from __future__ import annotations

import ast

import keras
import tensorflow as tf


def script_model(source: str) -> keras.Model:
    """The script's `model = keras.Sequential([...])` statement, run on its own with the precision
    the script sets before it: the model a learner would get, without loading data or training."""
    body = ast.parse(source).body
    statements = [
        node
        for node in body
        if isinstance(node, ast.Assign)
        and [target.id for target in node.targets if isinstance(target, ast.Name)] == ["model"]
        and ast.unparse(node.value.func) == "keras.Sequential"
    ]
    assert len(statements) == 1, "the script should build its model in one keras.Sequential statement"
    policies = [node for node in body if isinstance(node, ast.Expr) and "set_dtype_policy" in ast.unparse(node)]
    namespace = {"keras": keras, "tf": tf}
    try:
        exec(compile(ast.Module(body=[*policies, *statements], type_ignores=[]), "<script>", "exec"), namespace)
    finally:
        keras.config.set_dtype_policy("float32")
    return namespace["model"]


def dtype_policies(model: keras.Model) -> list[str]:
    return [layer.dtype_policy.name for layer in model.layers]


def layer_summary(model: keras.Model) -> list[tuple[str, tuple, int]]:
    """What `model.summary()` shows: each layer's kind, output shape and parameter count."""
    return [(type(layer).__name__, tuple(layer.output.shape), layer.count_params()) for layer in model.layers]


def activations(model: keras.Model) -> list[str]:
    return [layer.activation.__name__ for layer in model.layers if hasattr(layer, "activation")]


def layer_settings(model: keras.Model) -> list[tuple[str, dict]]:
    """Every layer's kind and Keras settings (kernel sizes, strides, padding, factors, ...) but for
    what only names it or sets its starting weights: its name, initializers and seeds."""

    def settings(config: dict) -> dict:
        return {
            key: value
            for key, value in config.items()
            if key not in ("name", "seed") and not key.endswith("_initializer")
        }

    return [(type(layer).__name__, settings(layer.get_config())) for layer in model.layers]
