"""MNIST for the exercises: MNIST_DIR's IDX files, Keras's cached mnist.npz, and a clear message
when neither is there (no download is tried here)."""

from __future__ import annotations

import numpy as np
import pytest

from core import fashion_mnist, mnist
from tests.core.digits import draw_digits, write_digit_idx
from tests.core.test_fashion_mnist import write_idx


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
