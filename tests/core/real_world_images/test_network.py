"""Lesson 4's network and pipeline: shapes, splits, training on a generated sample, and the real
horse-or-human training set when HORSE_OR_HUMAN_DIR points at it (CI sets it)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core import image_folders, real_world, training


def test_course_network_shapes():
    model = real_world.make_model(real_world.RealWorldConfig())
    assert model.input_shape == (None, 150, 150, 3) and model.output_shape == (None, 1)
    filters = [layer.filters for layer in model.layers if hasattr(layer, "filters")]
    assert filters == [16, 32, 64, 64, 64]
    assert model.layers[-2].units == 512 and model.layers[-1].activation.__name__ == "sigmoid"
    three = real_world.make_model(real_world.RealWorldConfig(conv_blocks=3), num_classes=3)
    assert three.output_shape == (None, 3)


def test_decode_drops_alpha_and_resizes(tmp_path):
    path = tmp_path / "rgba.png"
    Image.new("RGBA", (300, 200), (10, 200, 30, 0)).save(path)
    image = real_world.decode_image(path, 150)
    assert image.shape == (150, 150, 3) and image.dtype == np.uint8
    assert tuple(image[75, 75]) == (10, 200, 30)  # colour kept, alpha dropped as decode_png(channels=3) does


def test_validation_split_holds_out_each_class():
    labels = np.array([0] * 50 + [1] * 30, dtype=np.uint8)
    train, validation = real_world.split_validation(labels, 0.2, seed=1)
    assert len(validation) == 16 and np.sum(labels[validation] == 1) == 6
    assert set(train).isdisjoint(validation) and len(train) + len(validation) == 80


def test_the_network_learns_the_synthetic_sample(tmp_path):
    folder = image_folders.make_synthetic_dataset(tmp_path / "shapes", per_class=40, size=150, seed=0)
    config = real_world.RealWorldConfig(epochs=6, conv_blocks=3, batch_size=16, validation_split=0.25)
    images, labels = real_world.load_images(folder, config.image_size)
    assert images.shape == (80, 150, 150, 3)
    model = real_world.make_model(config)
    history = real_world.make_trainer(config, model, images, labels).run(training.TrainingHistory(config.epochs))
    assert len(history.val_accuracy) == 6
    assert history.accuracy[-1] > history.accuracy[0]
    probabilities = real_world.classify(model, images[0])
    assert probabilities.shape == (2,) and probabilities.sum() == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("settings", [dict(image_size=200), dict(conv_blocks=6), dict(validation_split=0.9)])
def test_absurd_settings_are_refused(settings):
    with pytest.raises(ValueError):
        real_world.RealWorldConfig(**settings)


def real_training_set() -> Path:
    folder = os.environ.get("HORSE_OR_HUMAN_DIR")
    if not folder or not Path(folder).is_dir():
        pytest.skip("set HORSE_OR_HUMAN_DIR to the horse-or-human training set (bash .ci/run does)")
    return Path(folder)


def test_real_horse_or_human_training_set_trains():
    folder = image_folders.scan_folder(real_training_set())
    assert folder.class_names == ("horses", "humans") and folder.counts == {"horses": 500, "humans": 527}
    config = real_world.RealWorldConfig(epochs=3)
    images, labels = real_world.load_images(folder, config.image_size)
    assert images.shape == (1027, 150, 150, 3) and images.nbytes < 80e6
    history = real_world.make_trainer(config, real_world.make_model(config), images, labels).run(
        training.TrainingHistory(config.epochs)
    )
    assert history.accuracy[-1] > 0.8 and history.val_accuracy[-1] > 0.75


def tiny_trained(tmp_path):
    folder = image_folders.make_synthetic_dataset(tmp_path / "shapes", per_class=12, size=150, seed=2)
    config = real_world.RealWorldConfig(epochs=1, conv_blocks=2, batch_size=8, augment=True)
    images, labels = real_world.load_images(folder, config.image_size)
    model = real_world.make_model(config)
    history = real_world.make_trainer(config, model, images, labels).run(training.TrainingHistory(1))
    return model, history, images, labels


def test_after_training_views_and_exports(tmp_path):
    import io
    import zipfile

    model, history, images, labels = tiny_trained(tmp_path)
    heatmap = real_world.gradcam(model, images[0])
    assert heatmap.shape == (150, 150) and heatmap.min() >= 0 and heatmap.max() <= 1.0 + 1e-6
    evaluation = real_world.evaluate(model, images, labels)
    assert evaluation.confusion.shape == (2, 2) and evaluation.confusion.sum() == len(labels)
    np.testing.assert_allclose(evaluation.probabilities.sum(axis=1), 1.0, atol=1e-6)
    csv = real_world.history_csv(history).splitlines()
    assert csv[0] == "epoch,loss,accuracy,val_loss,val_accuracy" and len(csv) == 2
    keras_file = real_world.model_file(model)
    assert zipfile.is_zipfile(io.BytesIO(keras_file))  # a .keras file is a zip archive
    samples = real_world.augmented_samples(images[0], count=4)
    assert len(samples) == 4 and samples[0].shape == (150, 150, 3)
    assert any(not np.array_equal(sample, images[0]) for sample in samples)


def test_overfitting_is_named_only_when_the_gap_opens():
    history = training.TrainingHistory(3, loss=[1, 1, 1], accuracy=[0.7, 0.9, 0.99], val_accuracy=[0.7, 0.8, 0.8])
    assert "Overfitting" in real_world.overfitting_note(history)
    history.val_accuracy[-1] = 0.97
    assert real_world.overfitting_note(history) is None


def test_uploaded_photo_goes_through_the_guarded_decoder():
    import io

    buffer = io.BytesIO()
    Image.new("RGBA", (400, 300), (0, 0, 255, 255)).save(buffer, format="PNG")
    image = real_world.image_from_upload(buffer.getvalue(), 150)
    assert image.shape == (150, 150, 3) and tuple(image[0, 0]) == (0, 0, 255)
    with pytest.raises(ValueError):
        real_world.image_from_upload(b"not an image", 150)


def test_download_checks_the_archive_and_caches_it(tmp_path):
    import io
    import zipfile

    archive = tmp_path / "horse-or-human.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name in ("horses/a.png", "horses/b.png", "humans/c.png"):
            buffer = io.BytesIO()
            Image.new("RGB", (16, 16), "white").save(buffer, format="PNG")
            bundle.writestr(name, buffer.getvalue())
    progress = []
    cache = tmp_path / "cache"
    folder = real_world.download_archive(archive.as_uri(), cache, on_progress=lambda got, total: progress.append(got))
    assert folder.counts == {"horses": 2, "humans": 1} and progress[-1] == archive.stat().st_size
    archive.unlink()  # the second time comes from the cache, with no download
    assert real_world.download_archive(archive.as_uri(), cache).counts == {"horses": 2, "humans": 1}

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ValueError):
        real_world.download_archive(broken.as_uri(), cache)
    assert not (cache / "broken").exists()
    with pytest.raises(ConnectionError, match="synthetic sample"):
        real_world.download_archive((tmp_path / "missing.zip").as_uri(), cache)


def test_a_separate_validation_set_replaces_the_split():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(20, 150, 150, 3), dtype=np.uint8)
    labels = (np.arange(20) % 2).astype(np.uint8)
    config = real_world.RealWorldConfig(epochs=1, conv_blocks=1, validation_split=0.2)
    split = real_world.make_trainer(config, real_world.make_model(config), images, labels)
    assert split.num_examples == 16
    separate = real_world.make_trainer(
        config, real_world.make_model(config), images, labels, validation=(images[:6], labels[:6])
    )
    assert separate.num_examples == 20
    history = separate.run(training.TrainingHistory(1))
    assert len(history.val_accuracy) == 1 and history.val_accuracy[0] in {i / 6 for i in range(7)}
