"""Lesson 2's loader against IDX files the tests write byte by byte, its fallback order, and the real data set."""

from __future__ import annotations

import gzip
import struct
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from core.base import settings
from core.data import fashion_mnist

NAMES = fashion_mnist.FILE_NAMES


def write_idx(path: Path, array: np.ndarray, gzip_it: bool = True, magic: bytes | None = None) -> Path:
    """Writes an IDX file by hand: two zero bytes, type 0x08, the dimension count, big-endian sizes, the bytes."""
    array = np.asarray(array, dtype=np.uint8)
    header = magic if magic is not None else bytes([0, 0, 0x08, array.ndim])
    header += b"".join(struct.pack(">I", size) for size in array.shape)
    content = header + array.tobytes()
    if gzip_it:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(content))
    else:
        path.write_bytes(content)
    return path


def make_split(count: int, first_pixel: int, first_label: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` images whose pixels are a known ramp starting at `first_pixel`, with labels cycling through 0..9."""
    pixels = (np.arange(count * 28 * 28) + first_pixel) % 256
    images = pixels.reshape(count, 28, 28).astype(np.uint8)
    labels = ((np.arange(count) + first_label) % 10).astype(np.uint8)
    return images, labels


def write_dataset(folder: Path, first_pixel: int = 0, gzip_it: bool = True, train_count: int = 5) -> dict:
    """A tiny Fashion-MNIST: 5 train and 3 test images; `first_pixel` makes each folder's data recognisable."""
    folder.mkdir(parents=True, exist_ok=True)
    train_images, train_labels = make_split(train_count, first_pixel)
    test_images, test_labels = make_split(3, first_pixel + 100, first_label=7)
    arrays = {
        "train_images": train_images,
        "train_labels": train_labels,
        "test_images": test_images,
        "test_labels": test_labels,
    }
    for key, array in arrays.items():
        write_idx(folder / NAMES[key], array, gzip_it=gzip_it)
    return arrays


@pytest.mark.parametrize("gzip_it", [True, False])
@pytest.mark.parametrize("shape", [(5, 28, 28), (7,)])
def test_read_idx_round_trips_exactly(tmp_path, gzip_it, shape):
    array = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    path = write_idx(tmp_path / "data-idx-ubyte", array, gzip_it=gzip_it)
    assert path.name.endswith(".gz") == gzip_it
    loaded = fashion_mnist.read_idx(path)
    assert loaded.dtype == np.uint8
    assert loaded.shape == shape
    np.testing.assert_array_equal(loaded, array)


def test_read_idx_rejects_a_bad_magic_number(tmp_path):
    path = write_idx(tmp_path / "images", np.zeros((2, 28, 28)), magic=bytes([0x1F, 0x8B, 0x08, 3]))
    with pytest.raises(fashion_mnist.DatasetError, match=r"images\.gz.*magic number"):
        fashion_mnist.read_idx(path)


def test_read_idx_rejects_a_float_file(tmp_path):
    path = write_idx(tmp_path / "images", np.zeros((2, 28, 28)), gzip_it=False, magic=bytes([0, 0, 0x0D, 3]))
    with pytest.raises(fashion_mnist.DatasetError, match=r"images.*0x0D \(float\).*unsigned bytes") as error:
        fashion_mnist.read_idx(path)
    assert "images" in str(error.value)


def test_read_idx_rejects_an_unexpected_dimension_count(tmp_path):
    path = write_idx(tmp_path / "images", np.zeros((2, 28)), gzip_it=False)
    with pytest.raises(fashion_mnist.DatasetError, match=r"images has 2 dimensions"):
        fashion_mnist.read_idx(path)


@pytest.mark.parametrize("gzip_it", [True, False])
def test_read_idx_reports_truncated_pixel_data(tmp_path, gzip_it):
    content = bytes([0, 0, 8, 3]) + struct.pack(">III", 2, 28, 28) + bytes(2 * 28 * 28 - 10)
    path = tmp_path / ("train-images-idx3-ubyte" + (".gz" if gzip_it else ""))
    path.write_bytes(gzip.compress(content) if gzip_it else content)
    with pytest.raises(fashion_mnist.DatasetError) as error:
        fashion_mnist.read_idx(path)
    message = str(error.value)
    assert path.name in message
    assert "truncated: expected 1,568 bytes of pixel data, found 1,558" in message


def test_read_idx_reports_trailing_bytes(tmp_path):
    content = bytes([0, 0, 8, 1]) + struct.pack(">I", 4) + bytes([1, 2, 3, 4, 5])
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(fashion_mnist.DatasetError, match=r"train-labels-idx1-ubyte has trailing bytes"):
        fashion_mnist.read_idx(path)


def test_read_idx_reports_a_truncated_header(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">I", 5))
    with pytest.raises(fashion_mnist.DatasetError, match=r"labels is truncated: its header needs 12 bytes"):
        fashion_mnist.read_idx(path)


def test_read_idx_reports_a_truncated_gzip_stream(tmp_path):
    path = write_idx(tmp_path / "t10k-images-idx3-ubyte", np.random.default_rng(1).integers(0, 256, (3, 28, 28)))
    compressed = path.read_bytes()
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(fashion_mnist.DatasetError, match=r"t10k-images-idx3-ubyte\.gz .*(gzip|truncated)"):
        fashion_mnist.read_idx(path)


def test_read_idx_reports_a_plain_file_named_gz(tmp_path):
    plain = write_idx(tmp_path / "labels", np.arange(4), gzip_it=False)
    path = plain.rename(tmp_path / "labels.gz")
    with pytest.raises(fashion_mnist.DatasetError, match=r"labels\.gz is not a valid gzip file"):
        fashion_mnist.read_idx(path)


@pytest.mark.parametrize("gzip_it", [True, False])
def test_read_idx_reports_a_two_byte_file(tmp_path, gzip_it):
    path = tmp_path / ("tiny.gz" if gzip_it else "tiny")
    path.write_bytes(gzip.compress(b"\x00\x00") if gzip_it else b"\x00\x00")
    with pytest.raises(fashion_mnist.DatasetError, match=r"tiny(\.gz)? is truncated"):
        fashion_mnist.read_idx(path)


def test_read_idx_rejects_a_header_claiming_gigabytes(tmp_path):
    path = tmp_path / "huge"
    path.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">III", 4_000_000_000, 28, 28))
    with pytest.raises(fashion_mnist.DatasetError, match=r"huge has a damaged header"):
        fashion_mnist.read_idx(path)


@pytest.mark.parametrize("gzip_it", [True, False])
def test_load_from_folder_returns_the_written_arrays(tmp_path, gzip_it):
    written = write_dataset(tmp_path / "data", first_pixel=42, gzip_it=gzip_it)
    data = fashion_mnist.load_from_folder(tmp_path / "data")
    assert data is not None
    for key, array in written.items():
        np.testing.assert_array_equal(getattr(data, key), array)
        assert getattr(data, key).dtype == np.uint8
    assert data.train_images[0, 0, 0] == 42 and data.test_images[0, 0, 0] == 142
    assert data.nbytes == (5 + 3) * 28 * 28 + 5 + 3
    assert str(tmp_path / "data") in data.source


def test_load_from_folder_accepts_a_mix_of_gzipped_and_plain_files(tmp_path):
    written = write_dataset(tmp_path, first_pixel=9)
    plain = gzip.decompress((tmp_path / f"{NAMES['test_labels']}.gz").read_bytes())
    (tmp_path / f"{NAMES['test_labels']}.gz").unlink()
    (tmp_path / NAMES["test_labels"]).write_bytes(plain)
    data = fashion_mnist.load_from_folder(tmp_path)
    np.testing.assert_array_equal(data.test_labels, written["test_labels"])


def test_load_from_folder_returns_none_for_a_missing_folder(tmp_path):
    assert fashion_mnist.load_from_folder(tmp_path / "nowhere") is None


@pytest.mark.parametrize("key", list(NAMES))
def test_load_from_folder_returns_none_when_a_file_is_missing(tmp_path, key):
    write_dataset(tmp_path)
    (tmp_path / f"{NAMES[key]}.gz").unlink()
    assert fashion_mnist.load_from_folder(tmp_path) is None


def test_load_from_folder_names_both_files_when_counts_differ(tmp_path):
    write_dataset(tmp_path)
    write_idx(tmp_path / NAMES["train_labels"], np.arange(4))
    with pytest.raises(fashion_mnist.DatasetError) as error:
        fashion_mnist.load_from_folder(tmp_path)
    message = str(error.value)
    assert "train-images-idx3-ubyte.gz holds 5 images" in message
    assert "train-labels-idx1-ubyte.gz holds 4 labels" in message


def test_load_from_folder_reports_a_label_outside_zero_to_nine(tmp_path):
    write_dataset(tmp_path)
    write_idx(tmp_path / NAMES["test_labels"], np.array([3, 12, 1]))
    with pytest.raises(fashion_mnist.DatasetError, match=r"t10k-labels-idx1-ubyte\.gz has label 12 at position 1"):
        fashion_mnist.load_from_folder(tmp_path)


def test_load_from_folder_reports_images_that_are_not_28_by_28(tmp_path):
    write_dataset(tmp_path)
    write_idx(tmp_path / NAMES["test_images"], np.zeros((3, 32, 32)))
    with pytest.raises(fashion_mnist.DatasetError, match=r"t10k-images-idx3-ubyte\.gz holds an array of shape"):
        fashion_mnist.load_from_folder(tmp_path)


def test_load_from_folder_reports_a_corrupt_file_instead_of_skipping_it(tmp_path):
    write_dataset(tmp_path)
    path = tmp_path / f"{NAMES['train_images']}.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(fashion_mnist.DatasetError, match=r"train-images-idx3-ubyte\.gz"):
        fashion_mnist.load_from_folder(tmp_path)


@pytest.fixture
def places(tmp_path, monkeypatch):
    """Three empty candidate folders standing in for FASHION_MNIST_DIR, the Keras cache and Debian's folder,
    so neither the real ~/.keras nor the real /usr/share/datasets can answer."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", tmp_path / "debian")
    return {
        "custom": tmp_path / "custom",
        "keras_cache": home / ".keras" / "datasets" / "fashion-mnist",
        "debian": tmp_path / "debian",
    }


def test_sources_are_tried_in_order(places):
    labels = [label for label, _ in fashion_mnist.sources_to_try()]
    assert labels == ["Keras cache", "Debian package"]
    custom = settings.ServerSettings.from_environment({"FASHION_MNIST_DIR": str(places["custom"])})
    assert fashion_mnist.sources_to_try(custom) == [
        ("FASHION_MNIST_DIR", places["custom"]),
        ("Keras cache", places["keras_cache"]),
        ("Debian package", places["debian"]),
    ]


def test_keras_home_moves_the_keras_cache(places, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "elsewhere"))
    write_dataset(tmp_path / "elsewhere" / "datasets" / "fashion-mnist", first_pixel=77)
    data = fashion_mnist.load_fashion_mnist(allow_download=False)
    assert data.source == f"Keras cache ({tmp_path / 'elsewhere' / 'datasets' / 'fashion-mnist'})"
    assert data.train_images[0, 0, 0] == 77


def test_fallback_order(places, monkeypatch):
    write_dataset(places["custom"], first_pixel=1)
    write_dataset(places["keras_cache"], first_pixel=2)
    write_dataset(places["debian"], first_pixel=3, gzip_it=False)

    monkeypatch.setenv("FASHION_MNIST_DIR", str(places["custom"]))
    data = fashion_mnist.load_fashion_mnist(allow_download=False)
    assert data.source == f"FASHION_MNIST_DIR ({places['custom']})"
    assert data.train_images[0, 0, 0] == 1

    monkeypatch.delenv("FASHION_MNIST_DIR")
    settings.forget()  # a server reads its settings once; this test changes them, so they are read again
    data = fashion_mnist.load_fashion_mnist(allow_download=False)
    assert data.source == f"Keras cache ({places['keras_cache']})"
    assert data.train_images[0, 0, 0] == 2

    for path in places["keras_cache"].iterdir():
        path.unlink()
    data = fashion_mnist.load_fashion_mnist(allow_download=False)
    assert data.source == f"Debian package ({places['debian']})"
    assert data.train_images[0, 0, 0] == 3


def test_a_corrupt_file_stops_the_search_instead_of_falling_through(places):
    write_dataset(places["keras_cache"])
    write_dataset(places["debian"])
    labels = places["keras_cache"] / f"{NAMES['train_labels']}.gz"
    labels.write_bytes(b"not gzip at all")
    with pytest.raises(fashion_mnist.DatasetError, match=r"train-labels-idx1-ubyte\.gz"):
        fashion_mnist.load_fashion_mnist(allow_download=False)


def test_nothing_found_explains_how_to_get_the_data(places, monkeypatch):
    monkeypatch.setenv("FASHION_MNIST_DIR", str(places["custom"]))
    write_dataset(places["keras_cache"])
    (places["keras_cache"] / f"{NAMES['test_images']}.gz").unlink()

    def must_not_download():
        raise AssertionError("downloading was switched off")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", must_not_download)
    with pytest.raises(fashion_mnist.DataUnavailable) as error:
        fashion_mnist.load_fashion_mnist(allow_download=False)
    message = str(error.value)
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert "set FASHION_MNIST_DIR" in message
    assert "internet" in message
    assert f"FASHION_MNIST_DIR ({places['custom']}): the folder does not exist" in message
    assert f"Keras cache ({places['keras_cache']}): missing t10k-images-idx3-ubyte" in message
    assert f"Debian package ({places['debian']}): the folder does not exist" in message
    assert "Keras's download: not tried" in message
    ways, tried = message.split("\n\nWhat was tried:\n")  # a list of its own, not more ways to get it
    assert ways.count("\n- ") == len(error.value.ways) == 3 and tried.count("- ") == len(error.value.tried) == 4


def test_keras_download_is_the_last_resort(places, monkeypatch):
    (train_images, train_labels), (test_images, test_labels) = make_split(4, 5), make_split(2, 6)
    downloaded = (
        (train_images.astype(np.int64), train_labels.astype(np.int64)),
        (test_images, test_labels),
    )
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", lambda: downloaded)
    data = fashion_mnist.load_fashion_mnist()
    assert data.source == "Keras download"
    assert data.train_images.dtype == np.uint8 and data.train_labels.dtype == np.uint8
    np.testing.assert_array_equal(data.train_images, train_images)
    np.testing.assert_array_equal(data.test_labels, test_labels)


def test_a_failed_download_is_listed_as_a_reason(places, monkeypatch):
    def offline():
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(fashion_mnist.DataUnavailable) as error:
        fashion_mnist.load_fashion_mnist()
    assert error.value.tried[-1] == "Keras's download: the download did not complete"
    assert "OSError" not in str(error.value) and "Temporary failure" not in str(error.value)


def test_a_download_with_bad_labels_is_reported(places, monkeypatch):
    train, test = make_split(4, 0), make_split(2, 0)
    bad_labels = np.array([0, 1, 10, 2])
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", lambda: ((train[0], bad_labels), test))
    with pytest.raises(fashion_mnist.DatasetError, match=r"Keras's train labels has label 10 at position 2"):
        fashion_mnist.load_fashion_mnist()


def test_the_real_debian_data_set():
    if not fashion_mnist.DEBIAN_DIR.is_dir():
        pytest.skip("install Debian's dataset-fashion-mnist")
    started = time.perf_counter()
    data = fashion_mnist.load_from_folder(fashion_mnist.DEBIAN_DIR)
    seconds = time.perf_counter() - started
    assert data is not None, f"{fashion_mnist.DEBIAN_DIR} exists but lacks some of the four files"
    assert data.train_images.shape == (60000, 28, 28) and data.test_images.shape == (10000, 28, 28)
    assert data.train_labels.shape == (60000,) and data.test_labels.shape == (10000,)
    for array in (data.train_images, data.train_labels, data.test_images, data.test_labels):
        assert array.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(data.train_labels, minlength=10), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(data.test_labels, minlength=10), [1000] * 10)
    assert data.nbytes <= 60 * 1024 * 1024
    assert data.train_images.max() == 255 and data.train_images.min() == 0
    assert len(fashion_mnist.CLASS_NAMES) == 10 and fashion_mnist.CLASS_NAMES[9] == "Ankle boot"
    assert seconds < 30, f"loading took {seconds:.1f} s"
