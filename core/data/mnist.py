"""MNIST's handwritten digits, for the graded exercises of weeks 2 and 3.

The course loads them with `keras.datasets.mnist.load_data()`, which downloads `mnist.npz` once
into Keras's cache. Offline, this module looks first in the folder named by `MNIST_DIR` (the
four IDX files of the original distribution, gzipped or plain, read by the same checked reader
as Fashion-MNIST), then in Keras's cache (`mnist.npz`), and only then downloads. The arrays are
the same shape as Fashion-MNIST's and load into the same object.

Without any of them, the exercises can still be attempted on a stand-in that needs no download:
the 1,797 handwritten digits that ship inside scikit-learn (8×8 pixels, values 0-16), scaled up
to MNIST's 28×28 bytes. They are fewer and coarser than MNIST, so the stand-in says what it is
wherever it is shown.
"""

from __future__ import annotations

import functools
import logging
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.base import language, settings
from core.data import downloads, fashion_mnist

DIGITS = tuple(str(digit) for digit in range(10))
VARIABLE = settings.MNIST_VARIABLE
DOWNLOAD_MB = 11  # the size of Keras's mnist.npz

# The stand-in's name wherever it is shown: the data's source, the grade, the certificate.
STAND_IN_SOURCE = "stand-in digits, not MNIST: scikit-learn's 1,797 handwritten digits of 8×8 pixels, scaled to 28×28"
STAND_IN_SOURCE_KEY = "data.mnist.stand_in_source"  # the same, in the catalogues (the English must match)
STAND_IN_NAME = "stand-in digits from scikit-learn, not MNIST"
STAND_IN_TEST_FRACTION = 0.2  # held out for testing, as MNIST holds out 10,000 of 70,000 (14%)
STAND_IN_SEED = 0  # the split is the same in every process, so a worker elsewhere trains on the same images
# MNIST's digits were scaled to fit a 20×20 box and centred in 28×28; the stand-in's are placed the same way.
MNIST_BOX = 20

LOG = logging.getLogger(__name__)


class MnistUnavailable(fashion_mnist.DataUnavailable):
    """No source had MNIST: the ways to get it and what was tried (see `DataUnavailable`)."""

    def __init__(self, ways: Sequence[str | language.Message], tried: Sequence[str | language.Message]) -> None:
        super().__init__("MNIST", ways, tried)


def sources_to_try(server_settings: settings.ServerSettings | None = None) -> list[tuple[str, Path]]:
    """The places to look in, in order: MNIST_DIR when set, then Keras's cache."""
    chosen = server_settings or settings.current()
    sources = []
    if chosen.mnist_dir is not None:
        sources.append((VARIABLE, chosen.mnist_dir))
    sources.append(("Keras's cache", fashion_mnist.keras_home(chosen) / "datasets" / "mnist.npz"))
    return sources


def available_locally() -> bool:
    """Whether a local source holds MNIST's files (not yet whether they are sound): the page then
    offers real MNIST first, and the stand-in otherwise, so nothing is downloaded unasked."""
    for _, place in sources_to_try():
        if place.suffix == ".npz" and place.is_file():
            return True
        if place.is_dir() and not fashion_mnist.locate_files(place)[1]:
            return True
    return False


def load_from_npz(path: Path) -> fashion_mnist.FashionMNIST:
    """Keras's `mnist.npz` (x_train, y_train, x_test, y_test), checked like the IDX files. Only
    plain arrays are read: `allow_pickle` stays off, so a doctored file cannot run code."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {
                "train_images": archive["x_train"],
                "train_labels": archive["y_train"],
                "test_images": archive["x_test"],
                "test_labels": archive["y_test"],
            }
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as problem:
        raise fashion_mnist.DatasetError("data.mnist.not_an_archive", file=path.name, problem=problem) from None
    names = {key: fashion_mnist.array_name(key, "array_of_file", file=path.name) for key in arrays}
    arrays = {key: fashion_mnist.as_uint8(array, names[key]) for key, array in arrays.items()}
    source = language.Message("data.mnist.keras_cache_source", {"path": str(path)})
    return fashion_mnist.validated(arrays, names, source, "MNIST")


def load_mnist(allow_download: bool = True) -> fashion_mnist.FashionMNIST:
    """MNIST from MNIST_DIR, Keras's cache, or Keras's download; a damaged file is an error that
    names it, never skipped."""
    chosen = settings.current()
    said = "data.mnist.tried."
    tried: list[str | language.Message] = []
    if chosen.mnist_dir is None:
        tried.append(language.Message(said + "not_set", {"variable": VARIABLE}))
    for label, place in sources_to_try(chosen):
        source = fashion_mnist.source_name(label)
        if place.suffix == ".npz":
            if place.is_file():
                return load_from_npz(place)
            tried.append(
                language.Message(said + "not_there_yet", {"source": source, "place": place, "file": place.name})
            )
            continue
        data = fashion_mnist.load_idx_folder(place, f"{label} ({place})", "MNIST")
        if data is not None:
            return data
        why = fashion_mnist.folder_problem(place)
        tried.append(language.Message(said + "unusable", {"source": source, "place": place, "why": why}))
    if allow_download:
        try:
            import keras

            keras.datasets.mnist.load_data()  # downloads mnist.npz into Keras's cache, once
            return load_from_npz(fashion_mnist.keras_home() / "datasets" / "mnist.npz")
        except fashion_mnist.DatasetError:
            raise
        except Exception as error:  # no network, a proxy, a full disk: a reason to report
            LOG.warning("Keras could not download MNIST", exc_info=error)  # the details, for whoever runs the server
            why = downloads.download_failure(error, fashion_mnist.keras_home())
            tried.append(language.Message(said + "download_failed", {"why": why}))
    else:
        tried.append(language.Message(said + "download_not_asked"))
    files = ", ".join(fashion_mnist.FILE_NAMES.values())
    raise MnistUnavailable(
        [
            language.Message("data.mnist.ways.internet", {"megabytes": DOWNLOAD_MB}),
            language.Message("data.mnist.ways.folder", {"variable": VARIABLE, "files": files}),
        ],
        tried,
    )


@functools.lru_cache(maxsize=1)
def load_mnist_once() -> fashion_mnist.FashionMNIST:
    """Loaded once per process, so a training worker elsewhere loads it itself."""
    return load_mnist()


def as_mnist_digit(image: np.ndarray, value_max: float) -> np.ndarray:
    """One small greyscale digit as MNIST draws one: scaled (bilinear) into a 20×20 box centred in
    28×28, values from 0..value_max to 0..255 bytes, 0 the background."""
    from PIL import Image

    scaled = np.asarray(image, np.float32) * (255 / value_max)
    box = Image.fromarray(scaled).resize((MNIST_BOX, MNIST_BOX), Image.Resampling.BILINEAR)
    digit = np.zeros((fashion_mnist.IMAGE_SIDE, fashion_mnist.IMAGE_SIDE), np.uint8)
    margin = (fashion_mnist.IMAGE_SIDE - MNIST_BOX) // 2
    digit[margin : margin + MNIST_BOX, margin : margin + MNIST_BOX] = np.clip(np.rint(np.asarray(box)), 0, 255)
    return digit


def load_stand_in_digits() -> fashion_mnist.FashionMNIST:
    """The offline stand-in for MNIST: scikit-learn's bundled handwritten digits (1,797 of them,
    8×8, values 0-16, shipped inside the package, so nothing is downloaded), each scaled to
    MNIST's 28×28 bytes, and split into training and test images the same way every time."""
    from sklearn import datasets

    bundled = datasets.load_digits()
    images = np.stack([as_mnist_digit(image, value_max=16) for image in bundled.images])
    labels = np.asarray(bundled.target, np.uint8)
    order = np.random.default_rng(STAND_IN_SEED).permutation(len(labels))
    test_count = round(len(labels) * STAND_IN_TEST_FRACTION)
    test, train = order[:test_count], order[test_count:]
    arrays = {
        "train_images": images[train],
        "train_labels": labels[train],
        "test_images": images[test],
        "test_labels": labels[test],
    }
    names = {key: fashion_mnist.array_name(key, "array_of_stand_in") for key in arrays}
    return fashion_mnist.validated(arrays, names, language.Message(STAND_IN_SOURCE_KEY), "MNIST")


@functools.lru_cache(maxsize=1)
def load_stand_in_digits_once() -> fashion_mnist.FashionMNIST:
    """Loaded once per process; a training worker elsewhere makes the very same split itself."""
    return load_stand_in_digits()


def is_stand_in(data: fashion_mnist.FashionMNIST) -> bool:
    return data.source == STAND_IN_SOURCE


def data_name(data: fashion_mnist.FashionMNIST) -> str:
    """What an attempt was trained and graded on, for the grade and the certificate."""
    return STAND_IN_NAME if is_stand_in(data) else "MNIST"
