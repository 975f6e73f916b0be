"""The precision rule (`core.base.precision`): bfloat16 where the processor has it natively, per layer,
with the output layer in float32; float32 everywhere else."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.base import precision, settings
from core.computer_vision import dense_network
from core.convolutions import cnn
from core.real_world_images import network

AMD_ZEN4 = "fpu vme avx2 avx512f avx512_bf16 avx512_vnni"
SAPPHIRE_RAPIDS = "fpu avx2 avx512f amx_bf16 amx_tile"
OLDER = "fpu vme avx2 avx512f avx512_vnni"


def cpuinfo(tmp_path, flags: str):
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: test\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n")
    return path


@pytest.mark.parametrize("flags, native", [(AMD_ZEN4, ("avx512_bf16",)), (SAPPHIRE_RAPIDS, ("amx_bf16",)), (OLDER, ())])
def test_native_bfloat16_is_read_from_the_processors_flags(tmp_path, monkeypatch, flags, native):
    monkeypatch.delenv(precision.VARIABLE, raising=False)
    found = precision.cpu_flags(cpuinfo(tmp_path, flags))
    assert precision.native_flags(found) == native
    assert precision.bfloat16_available(found) is bool(native)
    assert ("emulated" in precision.why(False, found)) is not bool(native)


def test_no_cpuinfo_means_float32(tmp_path):
    assert precision.cpu_flags(tmp_path / "missing") == frozenset()
    assert not precision.bfloat16_available(frozenset())


def test_the_server_can_turn_bfloat16_off(tmp_path, monkeypatch):
    found = precision.cpu_flags(cpuinfo(tmp_path, AMD_ZEN4))
    monkeypatch.setenv(precision.VARIABLE, "float32")
    assert not precision.bfloat16_available(found)
    assert precision.VARIABLE in precision.why(False, found)
    with pytest.raises(ValueError, match=precision.VARIABLE):
        settings.ServerSettings.from_environment({precision.VARIABLE: "half"})


@pytest.mark.parametrize(
    "config, build",
    [
        (dense_network.DenseNetConfig(), dense_network.make_model),
        (cnn.CnnConfig(conv_blocks=1, filters=16), cnn.make_model),
        (network.RealWorldConfig(conv_blocks=1, augment=True), network.make_model),
    ],
    ids=["lesson 2", "lesson 3", "lesson 4"],
)
def test_a_bfloat16_run_computes_its_hidden_layers_in_bfloat16_and_its_output_in_float32(config, build):
    model = build(dataclasses.replace(config, bfloat16=True))
    *hidden, output = model.layers
    assert {layer.dtype_policy.name for layer in hidden} == {"mixed_bfloat16"}
    assert all(layer.compute_dtype == "bfloat16" for layer in hidden)
    assert output.dtype_policy.name == "float32"
    assert {weight.dtype for weight in model.weights} == {"float32"}  # weights stay float32
    inputs = np.zeros((1, *model.input_shape[1:]), dtype=np.float32)
    assert str(model(inputs).dtype) in ("float32", "<dtype: 'float32'>")

    plain = build(dataclasses.replace(config, bfloat16=False))
    assert {layer.dtype_policy.name for layer in plain.layers} == {"float32"}


def test_a_lessons_default_follows_the_processor(monkeypatch):
    monkeypatch.delenv(precision.VARIABLE, raising=False)
    monkeypatch.setattr(precision, "_this_processor", lambda: ())
    assert cnn.CnnConfig().bfloat16 is False and network.RealWorldConfig().bfloat16 is False
    monkeypatch.setattr(precision, "_this_processor", lambda: ("avx512_bf16",))
    assert cnn.CnnConfig().bfloat16 is True and network.RealWorldConfig().bfloat16 is True
    assert dense_network.DenseNetConfig().bfloat16 is False  # XLA's float32 is faster for Lesson 2


def test_lesson_2_trains_with_xla_in_float32_and_without_it_in_bfloat16():
    import numpy as np

    images, labels = np.zeros((64, 28, 28), np.uint8), np.arange(64) % 10
    for bfloat16, compiled in ((False, True), (True, False)):
        config = dense_network.DenseNetConfig(bfloat16=bfloat16)
        trainer = dense_network.make_trainer(config, dense_network.make_model(config), images, labels)
        assert trainer.jit_compile is compiled
    reason = precision.why(False, ("avx512_bf16",), float32_reason=precision.FASTER_IN_FLOAT32)
    assert reason == precision.FASTER_IN_FLOAT32


def test_lesson_2s_page_precompiles_the_step_its_training_then_uses(monkeypatch):
    from core.data import fashion_mnist
    from core.engine import training

    steps = training.CompiledSteps()
    monkeypatch.setattr(training, "COMPILED_STEPS", steps)
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (600, 28, 28), dtype=np.uint8), (np.arange(600) % 10).astype(np.uint8)
    data = fashion_mnist.FashionMNIST(images, labels, images[:100], labels[:100], source="test")
    config = dense_network.DenseNetConfig(hidden_units=(16,), epochs=1, train_fraction=0.5, seed=3)
    thread = dense_network.precompile_in_background(config, data)
    assert thread is not None
    thread.join(60)
    assert steps.made == 1
    assert dense_network.precompile_in_background(config, data) is None  # once per settings
    other_run = dataclasses.replace(config, epochs=3, seed=9, learning_rate=0.01)
    assert dense_network.precompile_in_background(other_run, data) is None  # the same compiled step
    trainer = dense_network.make_trainer(other_run, dense_network.make_model(other_run), images, labels)
    trainer.run(training.TrainingHistory(epochs_planned=1))
    assert steps.made == 1  # the training, with another seed and rate, took the precompiled step


def test_what_a_bfloat16_network_shows_and_measures_is_float32():
    """Its feature maps (Lesson 3's views), Grad-CAM and the familiarity vectors of Lesson 4 are
    read in float32: bfloat16's 8 bits had put the unit vectors' length 0.25% off."""
    from core.engine import familiarity as measure
    from core.engine import image_classifier
    from core.real_world_images import gradcam

    model = cnn.make_model(cnn.CnnConfig(conv_blocks=1, filters=16, bfloat16=True))
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    assert {maps.dtype for maps in image_classifier.feature_maps(model, images)} == {np.dtype(np.float32)}

    photos = np.random.default_rng(1).integers(0, 256, (4, 150, 150, 3), dtype=np.uint8)
    network_model = network.make_model(network.RealWorldConfig(conv_blocks=2, bfloat16=True))
    vectors = measure.features(network_model, photos)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert gradcam.gradcam(network_model, photos[0]).dtype == np.float32
