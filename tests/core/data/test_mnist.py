"""MNIST for the exercises: MNIST_DIR's IDX files, Keras's cached mnist.npz, a clear message
when neither is there (no download reaches the network here), and the offline stand-in."""

from __future__ import annotations

import socket
import urllib.error

import numpy as np
import pytest
from PIL import Image

from core.base import settings
from core.data import fashion_mnist, mnist
from tests.core.data.test_fashion_mnist import write_idx
from tests.core.digits import draw_digits, write_digit_idx


@pytest.fixture
def no_sources(monkeypatch, tmp_path):
    monkeypatch.delenv(mnist.VARIABLE, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))


def test_the_idx_files_in_mnist_dir_are_read_and_checked(no_sources, monkeypatch, tmp_path):
    folder = write_digit_idx(tmp_path / "digits", train=50, test=20)
    monkeypatch.setenv(mnist.VARIABLE, str(folder))
    data = mnist.load_mnist(allow_download=False)
    expected, labels = draw_digits(50, seed=0)
    np.testing.assert_array_equal(data.train_images, expected)
    np.testing.assert_array_equal(data.train_labels, labels)
    assert data.source.startswith("MNIST_DIR") and data.test_images.shape == (20, 28, 28)


def test_keras_cached_npz_is_read_without_pickles(no_sources, tmp_path):
    images, labels = draw_digits(30, seed=2)
    cache = tmp_path / "keras" / "datasets"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", x_train=images, y_train=labels, x_test=images[:10], y_test=labels[:10])
    data = mnist.load_mnist(allow_download=False)
    assert data.source.startswith("Keras cache") and len(data.train_labels) == 30
    np.savez(cache / "mnist.npz", x_train=np.array([object()]), y_train=labels)
    with pytest.raises(fashion_mnist.DatasetError, match="not a readable MNIST archive"):
        mnist.load_mnist(allow_download=False)


def test_a_label_outside_0_to_9_names_mnist(no_sources, monkeypatch, tmp_path):
    folder = write_digit_idx(tmp_path / "digits", train=20, test=10)
    labels = np.full(20, 12, np.uint8)
    write_idx(folder / fashion_mnist.FILE_NAMES["train_labels"], labels, gzip_it=False)
    monkeypatch.setenv(mnist.VARIABLE, str(folder))
    with pytest.raises(fashion_mnist.DatasetError, match="; MNIST labels are 0 to 9"):
        mnist.load_mnist(allow_download=False)


def test_without_any_source_the_message_says_how_to_get_it(no_sources, monkeypatch, tmp_path):
    monkeypatch.setenv(mnist.VARIABLE, str(tmp_path / "nowhere"))
    with pytest.raises(fashion_mnist.DataUnavailable) as problem:
        mnist.load_mnist(allow_download=False)
    message = str(problem.value)
    assert "set MNIST_DIR" in message and "the folder does not exist" in message and "mnist.npz" in message


def offline_keras_download(monkeypatch, cache_dir):
    """Keras's MNIST download as it fails without internet: Keras's own `get_file` (into a test
    folder, never ~/.keras), whose urllib call finds no name server."""
    import keras
    from keras.src.utils import file_utils

    def no_name_server(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    def load_data():
        file_utils.get_file("mnist.npz", origin="https://storage.googleapis.com/x/mnist.npz", cache_dir=cache_dir)

    monkeypatch.setattr(file_utils, "urlretrieve", no_name_server)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", load_data)


def test_a_failed_download_is_told_in_plain_words_and_what_was_tried_is_a_list_of_its_own(
    no_sources, monkeypatch, tmp_path
):
    offline_keras_download(monkeypatch, str(tmp_path / "download"))
    with pytest.raises(mnist.MnistUnavailable) as problem:
        mnist.load_mnist()
    assert problem.value.tried == (
        "MNIST_DIR: not set",
        f"Keras's cache ({tmp_path / 'keras' / 'datasets' / 'mnist.npz'}): no mnist.npz there yet",
        "Keras's download: no internet connection (this computer could not find the download server)",
    )
    message = str(problem.value)
    for exception_text in ("URL fetch failure", "Errno", "Name or service not known", "Exception"):
        assert exception_text not in message
    ways, tried = message.split("\n\nWhat was tried:\n")  # a paragraph of its own, not more ways to get it
    assert ways.count("\n- ") == len(problem.value.ways) == 2 and tried.count("- ") == 3


def test_without_asking_for_it_nothing_is_downloaded(no_sources, monkeypatch):
    import keras

    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("downloaded unasked"))
    assert not mnist.available_locally()
    with pytest.raises(mnist.MnistUnavailable) as problem:
        mnist.load_mnist(allow_download=False)
    assert problem.value.tried[-1] == "Keras's download: not tried (MNIST is downloaded only when asked for)"


def test_local_sources_are_found_before_any_download(no_sources, monkeypatch, tmp_path):
    cache = tmp_path / "keras" / "datasets"
    cache.mkdir(parents=True)
    assert not mnist.available_locally()
    (cache / "mnist.npz").write_bytes(b"")
    assert mnist.available_locally()
    (cache / "mnist.npz").unlink()
    monkeypatch.setenv(mnist.VARIABLE, str(write_digit_idx(tmp_path / "digits", train=10, test=10)))
    settings.forget()  # a server reads its settings once; this test changes them, so they are read again
    assert mnist.available_locally()


@pytest.fixture(scope="module")
def stand_in() -> fashion_mnist.FashionMNIST:
    return mnist.load_stand_in_digits()


def test_the_stand_in_is_sklearns_1797_digits_as_mnist_shaped_bytes_split_the_same_way_each_time(stand_in):
    from sklearn import datasets

    bundled = datasets.load_digits()
    assert stand_in.train_images.shape == (1438, 28, 28) and stand_in.test_images.shape == (359, 28, 28)
    assert stand_in.train_images.dtype == stand_in.test_images.dtype == np.uint8
    labels = np.concatenate([stand_in.train_labels, stand_in.test_labels])
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), np.bincount(bundled.target))
    assert set(stand_in.test_labels) == set(range(10))  # every digit is tested
    again = mnist.load_stand_in_digits()
    np.testing.assert_array_equal(again.train_images, stand_in.train_images)
    np.testing.assert_array_equal(again.test_labels, stand_in.test_labels)
    assert mnist.is_stand_in(stand_in) and "not MNIST" in stand_in.source
    assert mnist.data_name(stand_in) == mnist.STAND_IN_NAME and "not MNIST" in mnist.STAND_IN_NAME


def test_a_stand_in_digit_sits_in_mnists_centred_20_by_20_box_and_shrinks_back_to_the_original(stand_in):
    from sklearn import datasets

    bundled = datasets.load_digits()
    digit = mnist.as_mnist_digit(bundled.images[0], value_max=16)
    assert digit[:4].max() == digit[-4:].max() == digit[:, :4].max() == digit[:, -4:].max() == 0
    box = Image.fromarray(digit[4:24, 4:24].astype(np.float32)).resize((8, 8), Image.Resampling.BOX)
    original = bundled.images[0] * 255 / 16
    assert np.corrcoef(np.asarray(box).ravel(), original.ravel())[0, 1] > 0.95
    full = mnist.as_mnist_digit(np.full((8, 8), 16.0), value_max=16)  # full ink is 255, as in MNIST
    assert full[4:24, 4:24].min() == 255 and full.sum() == 255 * 400
    assert stand_in.train_images.max() == 255
