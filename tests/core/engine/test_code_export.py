"""Every generated script runs with plain Python and reproduces the dashboard's run; that each one
builds the dashboard's model, over a grid of every lesson's settings, is `test_networks.py`'s check."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from core.base import language
from core.computer_vision import dense_network
from core.convolutions import cnn
from core.data import image_folders
from core.engine import training
from core.hello_world import neuron
from core.real_world_images import network
from tests.core.script_models import activations, layer_summary

EN = language.words("en")


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

    output = run_script(neuron.make_script(points, config, query_x=7.0, words=EN), tmp_path)

    prediction = float(re.search(r"prediction for x = 7: (\S+)", output).group(1))
    weight, bias = map(float, re.search(r"learned w = (\S+), b = (\S+)", output).groups())
    assert prediction == pytest.approx(fit.predict(7.0), abs=1e-3)
    assert (weight, bias) == pytest.approx((fit.weight, fit.bias), abs=1e-3)


def test_scripts_use_todays_keras_spelling():
    source = neuron.make_script(
        neuron.make_points(neuron.LineDataConfig()), neuron.NeuronConfig(optimizer="rmsprop"), words=EN
    )
    assert "RMSprop(learning_rate=0.01)" in source and "lr=" not in source
    assert "keras.Input(shape=(1,))" in source and "input_shape" not in source


def test_a_bfloat16_script_sets_the_policy_once_and_keeps_its_output_in_float32():
    """The script's model code names a dtype only where it differs from the policy it sets."""
    source = cnn.make_script(cnn.CnnConfig(bfloat16=True), words=language.words("en"))
    assert source.count('keras.config.set_dtype_policy("mixed_bfloat16")') == 1
    assert source.count("dtype=") == 1 and "activation='softmax'" in source.split("dtype=")[0].splitlines()[-1]
    assert "dtype=" not in cnn.make_script(cnn.CnnConfig(bfloat16=False), words=language.words("en"))


def test_an_exercises_strict_callback_is_exported_as_it_stops():
    strict = training.StopAtTarget("accuracy", 0.98, strict=True)
    source = dense_network.make_script(dense_network.DenseNetConfig(stop=strict), words=EN)
    assert "logs.get('accuracy', 0) > 0.98:" in source
    loss = dense_network.make_script(dense_network.DenseNetConfig(stop=training.StopAtTarget("loss", 0.3)), words=EN)
    assert "logs.get('loss', float('inf')) <= 0.3:" in loss


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
    source = dense_network.make_script(config, words=EN)
    assert "keras.layers.Dense(64" in source and "keras.layers.Dense(32" in source
    output = run_script(source, tmp_path)
    accuracy = float(re.search(r"test accuracy: (\S+)", output).group(1))
    assert 0.5 < accuracy < 1.0
    assert "cancelling training" in output  # 5% of the data passes 50% accuracy in the first epoch
    assert "Epoch 2/3" not in output


def test_cnn_script_builds_the_course_network_and_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(keras_cache_with_fashion_mnist(tmp_path)))
    config = cnn.CnnConfig(filters=16, epochs=1, train_fraction=0.02)
    source = cnn.make_script(config, words=language.words("en"))
    assert source.count("keras.layers.Conv2D(16, (3, 3)") == 2 and source.count("MaxPooling2D(2, 2)") == 2
    output = run_script(source, tmp_path)
    # model.summary() prints the same total the dashboard's summary table shows
    total = cnn.model_summary(cnn.make_model(config), words=language.words("en")).iloc[-1]["parameters"]
    assert f"{total:,}" in output
    assert 0.3 < float(re.search(r"test accuracy: (\S+)", output).group(1)) < 1.0


def test_real_world_script_trains_on_a_class_folder(tmp_path):
    folder = image_folders.make_synthetic_dataset(tmp_path / "shapes", per_class=10, size=150, seed=1)
    config = network.RealWorldConfig(epochs=1, conv_blocks=2, augment=True)
    source = network.make_script(config, num_classes=2, words=language.words("en"))
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
