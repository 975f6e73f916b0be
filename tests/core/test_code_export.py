"""Every generated script runs with plain Python and reproduces the dashboard's run."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from core import code_export, hello_world


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
    points = hello_world.parse_points([{"x": 0, "y": 1}, {"x": 1, "y": 3}, {"x": 2, "y": 5.5}])
    config = hello_world.NeuronConfig(optimizer="adam", learning_rate=0.05, epochs=120, seed=7)
    fit = hello_world.fit_line(points, config)

    output = run_script(code_export.hello_world_script(points, config, query_x=7.0), tmp_path)

    prediction = float(re.search(r"prediction for x = 7: (\S+)", output).group(1))
    weight, bias = map(float, re.search(r"learned w = (\S+), b = (\S+)", output).groups())
    assert prediction == pytest.approx(fit.predict(7.0), abs=1e-3)
    assert (weight, bias) == pytest.approx((fit.weight, fit.bias), abs=1e-3)


def test_scripts_use_todays_keras_spelling():
    source = code_export.hello_world_script(
        hello_world.make_points(hello_world.LineDataConfig()), hello_world.NeuronConfig(optimizer="rmsprop")
    )
    assert "RMSprop(learning_rate=0.01)" in source and "lr=" not in source
    assert "keras.Input(shape=(1,))" in source and "input_shape" not in source


def keras_cache_with_fashion_mnist(tmp_path):
    """Keras reads load_data() from its cache folder when the files are there; tests have no network."""
    from core import fashion_mnist

    cache = tmp_path / "keras-home" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in fashion_mnist.FILE_NAMES.values():
        source = fashion_mnist.DEBIAN_DIR / f"{name}.gz"
        if not source.exists():
            pytest.skip("install Debian's dataset-fashion-mnist (bash .ci/run does)")
        (cache / source.name).symlink_to(source)
    return tmp_path / "keras-home"


def test_dense_script_runs_the_course_code_with_the_learners_settings(tmp_path, monkeypatch):
    from core import computer_vision

    monkeypatch.setenv("KERAS_HOME", str(keras_cache_with_fashion_mnist(tmp_path)))
    config = computer_vision.DenseNetConfig(
        hidden_units=(64, 32), epochs=3, train_fraction=0.05, stop_enabled=True, stop_target=0.5
    )
    source = code_export.dense_script(config)
    assert "keras.layers.Dense(64" in source and "keras.layers.Dense(32" in source
    output = run_script(source, tmp_path)
    accuracy = float(re.search(r"test accuracy: (\S+)", output).group(1))
    assert 0.5 < accuracy < 1.0
    assert "cancelling training" in output  # 5% of the data passes 50% accuracy in the first epoch
    assert "Epoch 2/3" not in output


def test_cnn_script_builds_the_course_network_and_runs(tmp_path, monkeypatch):
    from core import convolutions

    monkeypatch.setenv("KERAS_HOME", str(keras_cache_with_fashion_mnist(tmp_path)))
    config = convolutions.CnnConfig(filters=16, epochs=1, train_fraction=0.02)
    source = code_export.cnn_script(config)
    assert source.count("keras.layers.Conv2D(16, (3, 3)") == 2 and source.count("MaxPooling2D(2, 2)") == 2
    output = run_script(source, tmp_path)
    # model.summary() prints the same total the dashboard's summary table shows
    total = convolutions.model_summary(convolutions.make_model(config)).iloc[-1]["parameters"]
    assert f"{total:,}" in output
    assert 0.3 < float(re.search(r"test accuracy: (\S+)", output).group(1)) < 1.0


def test_real_world_script_trains_on_a_class_folder(tmp_path):
    from core import image_folders, real_world

    folder = image_folders.make_synthetic_dataset(tmp_path / "shapes", per_class=10, size=150, seed=1)
    config = real_world.RealWorldConfig(epochs=1, conv_blocks=2, augment=True)
    source = code_export.real_world_script(config)
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
