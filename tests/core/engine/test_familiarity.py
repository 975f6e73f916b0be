"""The familiarity flag as Lessons 2 and 3's drawings get it: the features of a dense network and of
a CNN on grey 28×28 images, the sampled yardstick of a large data set, and on a network trained on
Fashion-MNIST, a Fashion-MNIST image drawn on the canvas passes while a drawing unlike every
class is flagged, as Lesson 4 flags a photo unlike its training photos.

Lesson 4's photos and the measure's parts are checked in tests/core/real_world_images/test_familiarity.py.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.computer_vision import dense_network
from core.convolutions import cnn
from core.data import drawings, fashion_mnist
from core.engine import familiarity, image_classifier, training


def test_a_dense_network_is_measured_by_its_last_hidden_layer_alone():
    """No convolutions: the probe is the penultimate layer, scaled to length 1."""
    model = dense_network.make_model(dense_network.DenseNetConfig(hidden_units=(32,)))
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    vectors = familiarity.features(model, images)
    assert vectors.shape == (5, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_a_cnn_takes_grey_images_without_their_channel_axis():
    """A drawing's view is (28, 28); Lesson 3's network takes (28, 28, 1), as `classify` gives it."""
    config = cnn.CnnConfig(conv_blocks=1, filters=16, dense_units=32, bfloat16=False)
    model = cnn.make_model(config)
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    vectors = familiarity.features(model, images, config.input_scale)
    assert vectors.shape == (3, 2 * 16 + 32)  # a mean and a spread per filter, then Dense(32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_a_large_data_set_is_remembered_by_a_sample_of_every_class():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 300).astype(np.uint8)  # 3,000 training images, 300 a class
    images = rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8)
    held_out = image_classifier.HeldOut(images[:1500], labels[:1500], "test")
    model = dense_network.make_model(dense_network.DenseNetConfig(hidden_units=(16,)))
    memory = familiarity.remember_sample(model, images, labels, held_out)
    assert len(memory.features) == familiarity.SAMPLE_IMAGES
    np.testing.assert_array_equal(np.bincount(memory.labels), [familiarity.SAMPLE_IMAGES // 10] * 10)
    np.testing.assert_array_equal(labels[memory.indices], memory.labels)  # indices into the training images
    assert len(memory.reference) == familiarity.REFERENCE_IMAGES
    assert str(memory.reference_name) == f"the {familiarity.REFERENCE_IMAGES} held-out images"
    on_training = familiarity.remember_sample(model, images, labels, dataclasses.replace(held_out, name="training"))
    assert "each against the others" in str(on_training.reference_name)  # never its training images as held out


def canvas_view(draw) -> np.ndarray:
    """What the network sees of a drawing made on a canvas with PIL, through the drawings' pipeline."""
    picture = Image.new("RGBA", (drawings.CANVAS_SIDE, drawings.CANVAS_SIDE), (255, 255, 255, 255))
    draw(ImageDraw.Draw(picture), picture)
    drawing = drawings.network_view(drawings.canvas_png(np.asarray(picture)), pen_width=20)
    assert drawing.view is not None
    return drawing.view


@pytest.fixture(scope="module")
def trained_on_fashion():
    data = fashion_mnist.load_fashion_mnist()
    config = dense_network.DenseNetConfig(epochs=2, seed=0)
    keras.utils.set_random_seed(0)
    model = dense_network.make_model(config)
    count = 12_000
    trainer = dense_network.make_trainer(
        config, model, data.train_images[:count], data.train_labels[:count], record_histograms=False
    )
    trainer.run(training.TrainingHistory(epochs_planned=config.epochs))
    held_out = image_classifier.HeldOut(data.test_images[:5000], data.test_labels[:5000], "test")
    memory = familiarity.remember_sample(model, data.train_images, data.train_labels, held_out, config.input_scale)
    return data, model, config, memory


def test_held_out_images_are_rarely_flagged_and_one_drawn_on_the_canvas_is_familiar(trained_on_fashion):
    data, model, config, memory = trained_on_fashion
    others = familiarity.familiarity(memory, model, data.test_images[5000:7000], config.input_scale)
    assert np.mean([result.unfamiliar for result in others]) < 0.03  # the yardstick's 1%, give or take
    trouser = data.test_images[5000 + int(np.flatnonzero(data.test_labels[5000:] == 1)[0])]

    def paste(pen, picture):  # the trouser as a learner would draw it: dark on white, canvas-sized
        ink = Image.fromarray(255 - trouser).resize((240, 240), Image.Resampling.BILINEAR)
        picture.paste(ink.convert("RGBA"), (20, 20))

    [drawn] = familiarity.familiarity(memory, model, canvas_view(paste)[np.newaxis], config.input_scale)
    assert familiarity.kind(drawn) == "familiar"


def test_a_drawing_unlike_every_class_is_flagged(trained_on_fashion):
    _, model, config, memory = trained_on_fashion

    def cross(pen, picture):
        pen.line((30, 30, 250, 250), fill="black", width=20)
        pen.line((30, 250, 250, 30), fill="black", width=20)

    [result] = familiarity.familiarity(memory, model, canvas_view(cross)[np.newaxis], config.input_scale)
    assert result.unfamiliar and familiarity.kind(result) == "unfamiliar" and result.farther_than > 0.99
