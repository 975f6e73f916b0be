"""Lesson 4's photos: decoded once, in parallel, into the uint8 arrays every epoch trains from.

The course's `flow_from_directory` decodes and resizes every PNG again on every epoch; here each
photo is read exactly once (about 70 MB for the 1,027 training photos at 150×150), through the
same guarded decoder as an upload, and resized as `image_dataset_from_directory` does.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from core.base import language, limits
from core.data import uploads
from core.data.image_folders import ImageFolder

LABEL_DTYPE = np.int32  # class indices: uint8 overflowed at the 257th class folder (index 256)


@dataclass(frozen=True)
class DecodedPhotos:
    """A folder's photos as the uint8 arrays every epoch trains from, and the files that could not
    be used (each with its reason), which were left out."""

    images: np.ndarray
    labels: np.ndarray
    skipped: tuple[str, ...] = ()
    skipped_said: tuple[language.Message, ...] = ()  # the same, to be said in the learner's language


def decode_image(path: Path, size: int) -> np.ndarray:
    """One photo as (size, size, 3) uint8 through the guarded decoder (the same checks as an
    upload; alpha laid on white, an animation's first frame, deep colour scaled to 8 bits), then
    resized as `image_dataset_from_directory` does (bilinear). A `ValueError` says why a file
    cannot be used."""
    import tensorflow as tf

    try:
        data = Path(path).read_bytes()
    except OSError:
        raise language.LearnerError("real_world_images.errors.unreadable") from None
    picture = np.asarray(uploads.open_upload(data))
    resized = tf.image.resize(picture, (size, size), method="bilinear")
    return tf.cast(tf.round(tf.clip_by_value(resized, 0, 255)), tf.uint8).numpy()


def load_images(folder: ImageFolder, size: int, workers: int = 2) -> DecodedPhotos:
    """Every photo of the folder decoded exactly once, in parallel (the decoders release the
    GIL); a file that fails any check is skipped and named, never a crash."""
    results: list[np.ndarray | None] = []
    skipped: list[str] = []
    skipped_said: list[language.Message] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(decode_image, path, size) for path, _ in folder.files]
        for (path, _), future in zip(folder.files, futures, strict=True):
            try:
                results.append(future.result())
            except ValueError as problem:
                results.append(None)
                name = path.relative_to(folder.root).as_posix()
                skipped.append(f"{name}: {problem}")
                why = problem.message if isinstance(problem, language.LearnerError) else str(problem)
                skipped_said.append(language.Message("real_world_images.photos.skipped", {"name": name, "why": why}))
    kept = [(image, folder.files[index][1]) for index, image in enumerate(results) if image is not None]
    labels = np.array([label for _, label in kept], dtype=LABEL_DTYPE)
    images = np.stack([image for image, _ in kept]) if kept else np.zeros((0, size, size, 3), np.uint8)
    del futures, results, kept  # one array per photo, now stacked: hand their memory back at once
    limits.return_freed_memory()
    return DecodedPhotos(images, labels, tuple(skipped), tuple(skipped_said))


def spread_sample(folder: ImageFolder, label: int | None = None, count: int = 8) -> tuple[Path, ...]:
    """Up to `count` photos of one class (of every class when `label` is None), taken at even steps
    through the folder so that a preview shows its range, not one sequence of similar shots."""
    members = [path for path, index in folder.files if label is None or index == label]
    return tuple(members[:: max(1, len(members) // count)][:count])


def thumbnails(paths: list[Path], side: int = 110) -> list[np.ndarray]:
    """Small previews through the guarded decoder (a file that fails shows as grey)."""
    previews = []
    for path in paths:
        try:
            image = uploads.open_upload(Path(path).read_bytes())
            image.thumbnail((side, side))
            previews.append(np.asarray(image))
        except (ValueError, OSError):
            previews.append(np.full((side, side, 3), 200, np.uint8))
    return previews


def image_sizes(folder: ImageFolder, sample: int = 200) -> dict[str, int]:
    """How many of a sample of the photos have each size (read from the headers, not decoded)."""
    sizes: dict[str, int] = {}
    for path, _ in folder.files[:: max(1, len(folder.files) // sample)]:
        with Image.open(path) as image:
            key = f"{image.width}×{image.height} {image.mode}"
        sizes[key] = sizes.get(key, 0) + 1
    return sizes
