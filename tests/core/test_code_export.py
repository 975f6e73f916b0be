"""Every generated script builds the dashboard's model, runs with plain Python and reproduces the
dashboard's run."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.computer_vision import dense_network
from core.convolutions import cnn
from core.data import image_folders
from core.engine import training
from core.hello_world import neuron
from core.real_world_images import network


def run_script(source: str, tmp_path) -> str:
    script = tmp_path / "generated.py"
    script.write_text(source)
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=environment, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_hello_world_script_reproduces_the_run(tmp_path):
    points = neuron.parse_points([{"x": 0, "y": 1}, {"x": 1, "y": 3}, {"x": 2, "y": 5.5}])
    config = neuron.NeuronConfig(optimizer="adam", learning_rate=0.05, epochs=120, seed=7)
    fit = neuron.fit_line(points, config)

    output = run_script(neuron.make_script(points, config, query_x=7.0), tmp_path)

    prediction = float(re.search(r"prediction for x = 7: (\S+)", output).group(1))
    weight, bias = map(float, re.search(r"learned w = (\S+), b = (\S+)", output).groups())
    assert prediction == pytest.approx(fit.predict(7.0), abs=1e-3)
    assert (weight, bias) == pytest.approx((fit.weight, fit.bias), abs=1e-3)


def test_scripts_use_todays_keras_spelling():
    source = neuron.make_script(neuron.make_points(neuron.LineDataConfig()), neuron.NeuronConfig(optimizer="rmsprop"))
    assert "RMSprop(learning_rate=0.01)" in source and "lr=" not in source
    assert "keras.Input(shape=(1,))" in source and "input_shape" not in source


def script_model(source: str) -> keras.Model:
    """The script's `model = keras.Sequential([...])` statement, run on its own: the model a learner
    would get, without loading data or training."""
    statements = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        and [target.id for target in node.targets if isinstance(target, ast.Name)] == ["model"]
        and ast.unparse(node.value.func) == "keras.Sequential"
    ]
    assert len(statements) == 1, "the script should build its model in one keras.Sequential statement"
    policies = [  # the precision the script sets before it builds the model
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.Expr) and "set_dtype_policy" in ast.unparse(node)
    ]
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


def assert_same_model(script: keras.Model, app: keras.Model, same_start: bool) -> None:
    assert layer_summary(script) == layer_summary(app)
    assert dtype_policies(script) == dtype_policies(app)  # the same precision, layer by layer
    assert script.count_params() == app.count_params()
    assert activations(script) == activations(app)
    if same_start:  # the script writes out the app's seeded initializers, so training starts alike
        for script_weights, app_weights in zip(script.get_weights(), app.get_weights(), strict=True):
            np.testing.assert_array_equal(script_weights, app_weights)


@pytest.mark.parametrize("config", [neuron.NeuronConfig(), neuron.NeuronConfig(optimizer="adam", seed=3)])
def test_hello_world_script_builds_the_apps_model(config):
    source = neuron.make_script(neuron.make_points(neuron.LineDataConfig()), config)
    assert_same_model(script_model(source), neuron.make_model(config.seed), same_start=True)


@pytest.mark.parametrize(
    "config",
    [
        dense_network.DenseNetConfig(bfloat16=False),
        dense_network.DenseNetConfig(bfloat16=True),
        dense_network.DenseNetConfig(hidden_units=(256, 64, 32), activation="tanh", seed=4),
        dense_network.DenseNetConfig(hidden_units=(16,), activation="sigmoid", stop=training.StopAtTarget("loss", 0.3)),
    ],
)
def test_dense_script_builds_the_apps_model(config):
    assert_same_model(
        script_model(dense_network.make_script(config)), dense_network.make_model(config), same_start=True
    )


@pytest.mark.parametrize(
    "config",
    [
        cnn.CnnConfig(bfloat16=False),
        cnn.CnnConfig(bfloat16=True),
        cnn.CnnConfig(conv_blocks=1, filters=16, dense_units=64),
        cnn.CnnConfig(conv_blocks=3, filters=32, seed=2),
        cnn.CnnConfig(kernel_size=5, pooling="average"),
    ],
)
def test_cnn_script_builds_the_apps_model(config):
    assert_same_model(script_model(cnn.make_script(config)), cnn.make_model(config), same_start=True)


@pytest.mark.parametrize(
    "config,num_classes",
    [
        (network.RealWorldConfig(bfloat16=False), 2),
        (network.RealWorldConfig(bfloat16=True), 2),
        (network.RealWorldConfig(augment=True, bfloat16=True), 2),
        (network.RealWorldConfig(conv_blocks=3), 2),
        (network.RealWorldConfig(image_size=300), 2),
        (network.RealWorldConfig(conv_blocks=4, augment=True), 3),
        (network.RealWorldConfig(conv_blocks=2, bfloat16=True), 3),
    ],
)
def test_real_world_script_builds_the_apps_model(config, num_classes):
    # The script leaves Keras to pick the starting weights, so only the architecture is compared.
    source = network.make_script(config, num_classes=num_classes)
    assert_same_model(script_model(source), network.make_model(config, num_classes), same_start=False)


def test_lesson_3_baseline_is_lesson_2s_course_network():
    baseline = cnn.dense_baseline()
    course = dense_network.make_model(dense_network.DenseNetConfig())
    assert layer_summary(baseline) == layer_summary(course)
    assert activations(baseline) == activations(course) == ["relu", "softmax"]


def keras_cache_with_fashion_mnist(tmp_path):
    """Keras reads load_data() from its cache folder when the files are there; tests have no network."""
    from core.data import fashion_mnist

    cache = tmp_path / "keras-home" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in fashion_mnist.FILE_NAMES.values():
        source = fashion_mnist.DEBIAN_DIR / f"{name}.gz"
        if not source.exists():
            pytest.skip("install Debian's dataset-fashion-mnist (bash .ci/run does)")
        (cache / source.name).symlink_to(source)
    return tmp_path / "keras-home"


def test_dense_script_runs_the_course_code_with_the_learners_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(keras_cache_with_fashion_mnist(tmp_path)))
    config = dense_network.DenseNetConfig(
        hidden_units=(64, 32), epochs=3, train_fraction=0.05, stop=training.StopAtTarget("accuracy", 0.5)
    )
    source = dense_network.make_script(config)
    assert "keras.layers.Dense(64" in source and "keras.layers.Dense(32" in source
    output = run_script(source, tmp_path)
    accuracy = float(re.search(r"test accuracy: (\S+)", output).group(1))
    assert 0.5 < accuracy < 1.0
    assert "cancelling training" in output  # 5% of the data passes 50% accuracy in the first epoch
    assert "Epoch 2/3" not in output


def test_cnn_script_builds_the_course_network_and_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(keras_cache_with_fashion_mnist(tmp_path)))
    config = cnn.CnnConfig(filters=16, epochs=1, train_fraction=0.02)
    source = cnn.make_script(config)
    assert source.count("keras.layers.Conv2D(16, (3, 3)") == 2 and source.count("MaxPooling2D(2, 2)") == 2
    output = run_script(source, tmp_path)
    # model.summary() prints the same total the dashboard's summary table shows
    total = cnn.model_summary(cnn.make_model(config)).iloc[-1]["parameters"]
    assert f"{total:,}" in output
    assert 0.3 < float(re.search(r"test accuracy: (\S+)", output).group(1)) < 1.0


def test_real_world_script_trains_on_a_class_folder(tmp_path):
    folder = image_folders.make_synthetic_dataset(tmp_path / "shapes", per_class=10, size=150, seed=1)
    config = network.RealWorldConfig(epochs=1, conv_blocks=2, augment=True)
    source = network.make_script(config, num_classes=2)
    assert "ImageDataGenerator" in source and "image_dataset_from_directory" in source  # says why it changed
    assert "learning_rate=0.001" in source and "lr=" not in source.replace("not lr=", "")
    script = tmp_path / "real_world.py"
    script.write_text(source)
    result = subprocess.run(
        [sys.executable, str(script), str(folder.root)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "classes: ['circles', 'squares']" in result.stdout
    assert "final validation accuracy" in result.stdout
