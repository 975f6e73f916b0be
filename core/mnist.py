"""MNIST's handwritten digits, for the graded exercises of weeks 2 and 3.

The course loads them with `keras.datasets.mnist.load_data()`, which downloads `mnist.npz` once
into Keras's cache. Offline, this module looks first in the folder named by `MNIST_DIR` (the
four IDX files of the original distribution, gzipped or plain, read by the same checked reader
as Fashion-MNIST), then in Keras's cache (`mnist.npz`), and only then downloads. The arrays are
the same shape as Fashion-MNIST's and load into the same object.
"""

from __future__ import annotations

import functools
import os
import zipfile
from pathlib import Path

import numpy as np

from core import fashion_mnist

DIGITS = tuple(str(digit) for digit in range(10))
VARIABLE = "MNIST_DIR"


def sources_to_try() -> list[tuple[str, Path]]:
    """The places to look in, in order, read from the environment now."""
    sources = []
    folder = os.environ.get(VARIABLE)
    if folder:
        sources.append((VARIABLE, Path(folder)))
    sources.append(("Keras cache", fashion_mnist.keras_home() / "datasets" / "mnist.npz"))
    return sources


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
        raise fashion_mnist.DatasetError(f"{path.name} is not a readable MNIST archive: {problem}") from None
    names = {key: f"{path.name}'s {key.replace('_', ' ')}" for key in arrays}
    arrays = {key: fashion_mnist.as_uint8(array, names[key]) for key, array in arrays.items()}
    return fashion_mnist.validated(arrays, names, f"Keras cache ({path})", "MNIST")


def load_mnist(allow_download: bool = True) -> fashion_mnist.FashionMNIST:
    """MNIST from MNIST_DIR, Keras's cache, or Keras's download; a damaged file is an error that
    names it, never skipped."""
    attempts = []
    for label, place in sources_to_try():
        if place.suffix == ".npz":
            if place.is_file():
                return load_from_npz(place)
            attempts.append(f"{label} ({place}): no such file")
            continue
        data = fashion_mnist.load_idx_folder(place, f"{label} ({place})", "MNIST")
        if data is not None:
            return data
        attempts.append(f"{label} ({place}): {fashion_mnist.why_folder_is_unusable(place)}")
    if allow_download:
        try:
            import keras

            keras.datasets.mnist.load_data()  # downloads mnist.npz into Keras's cache, once
            return load_from_npz(fashion_mnist.keras_home() / "datasets" / "mnist.npz")
        except fashion_mnist.DatasetError:
            raise
        except Exception as error:  # no network, a proxy, a full disk: a reason to report
            attempts.append(f"Keras download: {type(error).__name__}: {error}")
    raise fashion_mnist.DataUnavailable(
        "MNIST could not be found. Either of these gets it:\n"
        "  - connect to the internet: Keras downloads it (about 11 MB) on first use;\n"
        f"  - set {VARIABLE} to a folder holding the four IDX files "
        f"({', '.join(fashion_mnist.FILE_NAMES.values())}, each gzipped or plain).\n"
        "Sources tried:\n" + "\n".join(f"  - {attempt}" for attempt in attempts)
    )


@functools.lru_cache(maxsize=1)
def load_mnist_once() -> fashion_mnist.FashionMNIST:
    """Loaded once per process, so a training worker elsewhere loads it itself."""
    return load_mnist()
