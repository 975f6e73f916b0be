"""Lesson 2, computer vision: a network learns to tell ten kinds of clothing apart in Fashion-MNIST.

The course loads 70,000 greyscale 28x28 pictures of clothes (60,000 to train on, 10,000 to test
with) through `keras.datasets.fashion_mnist.load_data()`, which downloads them. A classroom or a
server may have no internet, so this module first looks for the same four files on disk: in the
folder named by `FASHION_MNIST_DIR`, in Keras's own download cache, and where Debian's
`dataset-fashion-mnist` package puts them. The network is only the last resort.

The files use the IDX format: a 4-byte magic number (two zero bytes, a data-type byte, the number
of dimensions), one big-endian 32-bit size per dimension, then the raw bytes. The arrays stay
uint8 (about 55 MB); scaling to 0..1 floats is a lesson step, not the loader's job.
"""

from __future__ import annotations

import functools
import gzip
import logging
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from core.base import jobs, language, settings
from core.data import downloads
from core.engine import image_classifier, training

LOG = logging.getLogger(__name__)

CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
_SOURCES = "data.fashion_mnist.sources."  # the catalogue's section naming where the data was found
NAME = "Fashion-MNIST"  # the data set's name, as runs on it are found across lessons
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
IMAGE_SIDE = 28

# The four files of the standard distribution, keyed by what they hold.
FILE_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

_UNSIGNED_BYTE = 0x08
# Data-type bytes the IDX format defines, so an error can say what a file holds instead.
# The IDX data types, by the names of their words (data.fashion_mnist.idx_types.*).
_IDX_TYPES = {0x08: "unsigned_byte", 0x09: "signed_byte", 0x0B: "short", 0x0C: "int", 0x0D: "float", 0x0E: "double"}
# Far above Fashion-MNIST's 47 MB, so a damaged header cannot make the reader allocate gigabytes.
_MAX_DATA_BYTES = 512 * 1024 * 1024


class DatasetError(language.LearnerError):
    """A dataset file exists but is damaged; the message names the file and what is wrong, in the
    learner's language (`DatasetError("data.fashion_mnist.idx.<kind>", file=..., ...)`)."""


class DataUnavailable(RuntimeError):
    """No source had the data: the ways to get it and what was tried, each a list of plain
    sentences (no exception text), so a page can show them as lists of their own."""

    def __init__(
        self, dataset: str, ways: Sequence[str | language.Message], tried: Sequence[str | language.Message]
    ) -> None:
        self.dataset = dataset
        self.ways = tuple(str(way) for way in ways)  # in English
        self.tried = tuple(str(attempt) for attempt in tried)
        self.ways_said = tuple(ways)  # the same, messages said in the learner's language
        self.tried_said = tuple(tried)
        super().__init__(
            f"{dataset} could not be found. Any one of these gets it:\n"
            + "".join(f"- {way}\n" for way in self.ways)
            + "\nWhat was tried:\n"
            + "".join(f"- {attempt}\n" for attempt in self.tried)
        )


@dataclass(frozen=True)
class FashionMNIST:
    """The whole data set as uint8 arrays, and where it came from. MNIST's handwritten digits
    (`core.data.mnist`) come in the very same shape and files, and load into the same object."""

    train_images: np.ndarray  # (n, 28, 28) uint8, 0 = white background, 255 = darkest ink
    train_labels: np.ndarray  # (n,) uint8, indexes into CLASS_NAMES
    test_images: np.ndarray  # (m, 28, 28) uint8
    test_labels: np.ndarray  # (m,) uint8
    source: str  # Where the data was found, in words a learner can check, e.g. "Debian package (/usr/...)".
    source_said: str | language.Message = ""  # the same, to be said in the learner's language

    @property
    def nbytes(self) -> int:
        """Memory the four arrays take, to show that the loader kept them as bytes."""
        arrays = (self.train_images, self.train_labels, self.test_images, self.test_labels)
        return sum(array.nbytes for array in arrays)


def read_idx(path: Path) -> np.ndarray:
    """Parses one IDX file (gzipped when its name ends in .gz) into a uint8 array shaped as its header says."""
    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as stream:
            magic = stream.read(4)
            if len(magic) < 4:
                raise DatasetError("data.fashion_mnist.idx.truncated_magic", file=path.name, size=len(magic))
            _check_magic(path, magic)
            dimension_count = magic[3]
            header = stream.read(4 * dimension_count)
            if len(header) < 4 * dimension_count:
                raise DatasetError(
                    "data.fashion_mnist.idx.truncated_header",
                    file=path.name,
                    needed=4 * dimension_count,
                    dimensions=dimension_count,
                    found=len(header),
                )
            shape = tuple(int(size) for size in np.frombuffer(header, dtype=">u4"))
            expected = int(np.prod(shape, dtype=np.int64))
            if expected > _MAX_DATA_BYTES:
                raise DatasetError(
                    "data.fashion_mnist.idx.damaged_header", file=path.name, shape=shape, expected=f"{expected:,}"
                )
            # One byte more than the header promises, to notice trailing data without reading all of it.
            data = stream.read(expected + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise DatasetError("data.fashion_mnist.idx.not_gzip", file=path.name, error=error) from error
    except OSError as error:
        raise DatasetError("data.fashion_mnist.idx.unreadable", file=path.name, error=error) from error
    if len(data) < expected:
        raise DatasetError(
            "data.fashion_mnist.idx.truncated_data", file=path.name, expected=f"{expected:,}", found=f"{len(data):,}"
        )
    if len(data) > expected:
        raise DatasetError(
            "data.fashion_mnist.idx.trailing_bytes", file=path.name, expected=f"{expected:,}", shape=shape
        )
    return np.frombuffer(data, dtype=np.uint8).reshape(shape)


def _check_magic(path: Path, magic: bytes) -> None:
    """The magic number tells an IDX file from any other file, and says what it stores."""
    if magic[0] != 0 or magic[1] != 0:
        raise DatasetError("data.fashion_mnist.idx.bad_magic", file=path.name, magic=magic.hex())
    if magic[2] != _UNSIGNED_BYTE:
        kind = language.Message(f"data.fashion_mnist.idx_types.{_IDX_TYPES.get(magic[2], 'unknown')}")
        raise DatasetError("data.fashion_mnist.idx.wrong_type", file=path.name, code=f"{magic[2]:02X}", kind=kind)
    if magic[3] not in (1, 3):
        raise DatasetError("data.fashion_mnist.idx.wrong_dimensions", file=path.name, dimensions=magic[3])


def locate_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Finds each of the four files in the folder, gzipped or plain, and lists those that are missing."""
    found, missing = {}, []
    for key, name in FILE_NAMES.items():
        candidates = [folder / f"{name}.gz", folder / name]
        existing = [candidate for candidate in candidates if candidate.is_file()]
        if existing:
            found[key] = existing[0]
        else:
            missing.append(name)
    return found, missing


def load_from_folder(folder: Path) -> FashionMNIST | None:
    """The data set from a folder of the four IDX files, or None when the folder or any file is missing."""
    return load_idx_folder(Path(folder), source=language.Message(_SOURCES + "folder", {"folder": str(folder)}))


def load_idx_folder(
    folder: Path, source: str | language.Message, dataset: str = "Fashion-MNIST"
) -> FashionMNIST | None:
    if not folder.is_dir():
        return None
    files, missing = locate_files(folder)
    if missing:
        return None
    arrays = {key: read_idx(path) for key, path in files.items()}
    return validated(arrays, {key: path.name for key, path in files.items()}, source, dataset)


def validated(
    arrays: dict[str, np.ndarray],
    names: Mapping[str, str | language.Message],
    source: str | language.Message,
    dataset: str = "Fashion-MNIST",
) -> FashionMNIST:
    """Checks what a lesson relies on: 28x28 images, one label 0..9 per image, all uint8. `names`
    and `source` are said in the learner's language where they are messages."""
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        images_name, labels_name = names[f"{split}_images"], names[f"{split}_labels"]
        if images.dtype != np.uint8 or labels.dtype != np.uint8:
            raise DatasetError("data.fashion_mnist.checks.not_uint8", images_name=images_name, labels_name=labels_name)
        if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
            raise DatasetError(
                "data.fashion_mnist.checks.images_shape",
                images_name=images_name,
                shape=images.shape,
                dataset=dataset,
                side=IMAGE_SIDE,
            )
        if labels.ndim != 1:
            raise DatasetError("data.fashion_mnist.checks.labels_shape", labels_name=labels_name, shape=labels.shape)
        if len(images) != len(labels):
            raise DatasetError(
                "data.fashion_mnist.checks.count_mismatch",
                images_name=images_name,
                image_count=f"{len(images):,}",
                labels_name=labels_name,
                label_count=f"{len(labels):,}",
            )
        out_of_range = np.flatnonzero(labels >= len(CLASS_NAMES))
        if out_of_range.size:
            position = int(out_of_range[0])
            raise DatasetError(
                "data.fashion_mnist.checks.label_range",
                labels_name=labels_name,
                value=int(labels[position]),
                position=position,
                dataset=dataset,
                last=len(CLASS_NAMES) - 1,
            )
    return FashionMNIST(source=str(source), source_said=source, **arrays)


def keras_home(server_settings: settings.ServerSettings | None = None) -> Path:
    """Where Keras keeps its downloads: $KERAS_HOME when set, otherwise ~/.keras."""
    return (server_settings or settings.current()).keras_home or Path.home() / ".keras"


def sources_to_try(server_settings: settings.ServerSettings | None = None) -> list[tuple[str, Path]]:
    """The folders to look in, in order: FASHION_MNIST_DIR when set, Keras's cache, Debian's package."""
    chosen = server_settings or settings.current()
    sources = []
    if chosen.fashion_mnist_dir is not None:
        sources.append((settings.FASHION_MNIST_VARIABLE, chosen.fashion_mnist_dir))
    sources.append(("Keras cache", keras_home(chosen) / "datasets" / "fashion-mnist"))
    sources.append(("Debian package", DEBIAN_DIR))
    return sources


def why_folder_is_unusable(folder: Path) -> str:
    """Why a folder does not hold the data, in English (`folder_problem` in any language)."""
    return str(folder_problem(folder))


def folder_problem(folder: Path) -> language.Message:
    if not folder.exists():
        return language.Message("data.fashion_mnist.sources.no_folder")
    if not folder.is_dir():
        return language.Message("data.fashion_mnist.sources.a_file")
    _, missing = locate_files(folder)
    return language.Message("data.fashion_mnist.sources.missing_files", {"files": ", ".join(missing)})


# The sources' names (`sources_to_try`'s labels), said in the learner's language; a variable's name as it is.
SOURCE_NAMES = {
    "Keras cache": "data.fashion_mnist.sources.keras_cache",
    "Debian package": "data.fashion_mnist.sources.debian",
    "Keras's cache": "data.mnist.tried.keras_cache",
}


def source_name(label: str) -> str | language.Message:
    return language.Message(SOURCE_NAMES[label]) if label in SOURCE_NAMES else label


def _download_with_keras() -> FashionMNIST:
    """What the course does: Keras downloads the files (once) into its cache and parses them."""
    (train_images, train_labels), (test_images, test_labels) = keras.datasets.fashion_mnist.load_data()
    arrays = {
        "train_images": train_images,
        "train_labels": train_labels,
        "test_images": test_images,
        "test_labels": test_labels,
    }
    names = {key: array_name(key, "keras") for key in arrays}
    arrays = {key: as_uint8(array, names[key]) for key, array in arrays.items()}
    return validated(arrays, names, language.Message(_SOURCES + "keras_download"))


def array_name(key: str, whose: str, **values: object) -> language.Message:
    """One of the four arrays (`train_images`, ...) named as whose it is: `keras` (Keras's train
    images), or a key of MNIST's catalogue section (`array_of_file` with `file=`)."""
    array = language.Message("data.fashion_mnist.arrays." + key)
    if whose == "keras":
        return language.Message("data.fashion_mnist.arrays.keras", {"array": array})
    return language.Message("data.mnist." + whose, {"array": array, **values})


def as_uint8(array: np.ndarray, name: str | language.Message) -> np.ndarray:
    """Converts to uint8 without changing a value, so a surprise from upstream is reported, not wrapped around."""
    array = np.asarray(array)
    if array.dtype == np.uint8:
        return array
    if array.size and (array.min() < 0 or array.max() > 255 or not np.array_equal(array, np.round(array))):
        raise DatasetError("data.fashion_mnist.checks.not_whole", name=name)
    return array.astype(np.uint8)


def load_fashion_mnist(allow_download: bool = True) -> FashionMNIST:
    """Fashion-MNIST from the first source that has it: FASHION_MNIST_DIR, Keras's cache, Debian's package,
    then Keras's download. A damaged file raises DatasetError rather than being skipped, so it gets fixed."""
    attempts = []
    for label, folder in sources_to_try():
        data = load_idx_folder(
            folder, source=language.Message(_SOURCES + "place", {"source": source_name(label), "folder": str(folder)})
        )
        if data is not None:
            return data
        tried = {"source": source_name(label), "folder": str(folder), "why": folder_problem(folder)}
        attempts.append(language.Message("data.fashion_mnist.sources.tried", tried))
    if allow_download:
        try:
            return _download_with_keras()
        except DatasetError:
            raise
        except Exception as error:  # Any failure to download (no network, proxy, full disk) is a reason to report.
            LOG.warning("Keras could not download Fashion-MNIST", exc_info=error)  # the details, for the server's log
            why = downloads.download_failure(error, keras_home())
            attempts.append(language.Message("data.fashion_mnist.sources.download_failed", {"why": why}))
    else:
        attempts.append(language.Message("data.fashion_mnist.sources.download_off"))
    raise DataUnavailable(
        "Fashion-MNIST",
        [
            language.Message("data.fashion_mnist.ways.internet"),
            language.Message("data.fashion_mnist.ways.debian"),
            language.Message("data.fashion_mnist.ways.folder", {"files": ", ".join(FILE_NAMES.values())}),
        ],
        attempts,
    )


@functools.lru_cache(maxsize=1)
def load_fashion_mnist_once() -> FashionMNIST:
    """The data set loaded once per process: a training worker on another machine (a Ray worker)
    loads it itself from the usual sources instead of receiving 55 MB over the network."""
    return load_fashion_mnist()


def training_job(
    lesson: str,
    config: Any,
    build: jobs.Build,
    make_model: Callable[[Any], keras.Model],
    data: FashionMNIST,
    load_data: Callable[[], FashionMNIST] = load_fashion_mnist_once,
    data_set: str = NAME,
) -> jobs.TrainingJob:
    """A training job on a 28×28 ten-class data set (Lessons 2 and 3, and MNIST for their
    exercises, named by `data_set`): it trains on the loaded data here, and a worker elsewhere
    loads the data itself (`load_data`, a module-level function) from the usual sources."""
    return jobs.TrainingJob(
        lesson, config, build=build, make_model=make_model, data=data, load_data=load_data, data_set=data_set
    )


def setup_on_test_set(
    config: Any,
    data: FashionMNIST,
    make_model: Callable[[Any], keras.Model],
    make_trainer: Callable[[Any, keras.Model, np.ndarray, np.ndarray], training.Trainer],
) -> jobs.TrainingSetup:
    """What a Fashion-MNIST lesson's job runs: its network, its trainer on the training images, and
    the 10,000 test images it is scored on."""
    model = make_model(config)
    return jobs.TrainingSetup(
        model,
        make_trainer(config, model, data.train_images, data.train_labels),
        image_classifier.HeldOut(data.test_images, data.test_labels, "test"),
        config.input_scale,
    )
