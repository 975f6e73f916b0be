"""Every picture a learner uploads passes through one guarded decoder.

On a shared server an upload is a stranger's file. The decoder checks sizes before any pixel is
decoded, accepts only common photo formats, treats Pillow's decompression-bomb warning as an error
and turns every decoder failure into one clear `ValueError`; the lessons then shrink the picture to
what their network or playground needs.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from core.base import language

UPLOAD_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")
MIN_SIDE = 8
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # one photo
MAX_PIXELS = 40_000_000


def check_header(data: bytes | Path, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_PIXELS) -> str:
    """The checks every image passes before any pixel is decoded, an upload or a training photo:
    its size in bytes, a format this app reads, and its pixel count, read from the header alone.
    Returns the format; every problem is a `ValueError` saying what is wrong."""
    try:
        size = len(data) if isinstance(data, bytes | bytearray) else Path(data).stat().st_size
    except OSError:
        raise language.LearnerError("data.uploads.unreadable_file") from None
    if size == 0:
        raise language.LearnerError("data.uploads.empty")
    if size > max_bytes:
        raise language.LearnerError("data.uploads.too_large", size=f"{size / 1e6:.1f}", limit=f"{max_bytes / 1e6:.0f}")
    with (
        _unreadable_as_value_error(),
        Image.open(io.BytesIO(data) if isinstance(data, bytes | bytearray) else data) as opened,
    ):
        found, width, height = opened.format, opened.width, opened.height  # lazy: the header, not the pixels
    if found not in UPLOAD_FORMATS:
        raise language.LearnerError("data.uploads.unsupported_format", found=found, formats=", ".join(UPLOAD_FORMATS))
    if width * height > max_pixels:
        raise language.LearnerError("data.uploads.too_many_pixels", width=width, height=height, limit=f"{max_pixels:,}")
    return str(found)


def open_upload(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The one guarded decoder for every image a learner uploads or trains on, as an 8-bit RGB picture.

    Images are untrusted: `check_header` runs before any pixel is decoded, Pillow's
    decompression-bomb warning is treated as an error, EXIF rotation is applied, an animation
    gives its first frame, and palette, CMYK, 16-bit and transparent images are converted
    (transparency laid on white).
    """
    check_header(data, max_bytes, max_pixels)
    with _unreadable_as_value_error():
        opened = Image.open(io.BytesIO(data))
        opened.seek(0)  # an animation's first frame
        opened.load()
        image = _to_rgb(ImageOps.exif_transpose(opened))
    if min(image.size) < MIN_SIDE:
        raise language.LearnerError("data.uploads.too_small", width=image.width, height=image.height, min_side=MIN_SIDE)
    return image


def grey_photo_from_upload(
    data: bytes, max_side: int = 512, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_PIXELS
) -> np.ndarray:
    """A learner's own image as a grey float32 array in 0..255, shrunk so its longer side is at most max_side."""
    if max_side < MIN_SIDE:
        raise ValueError(f"max_side must be at least {MIN_SIDE}.")
    image = open_upload(data, max_bytes, max_pixels).convert("L")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if min(image.size) < MIN_SIDE:
        raise language.LearnerError("data.uploads.too_small", width=image.width, height=image.height, min_side=MIN_SIDE)
    return np.asarray(image, dtype=np.float32)


@contextlib.contextmanager
def _unreadable_as_value_error() -> Iterator[None]:
    """Decoders raise many kinds of errors on damaged files; the page needs one kind with a clear message."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise language.LearnerError("data.uploads.bomb") from None
        except Exception:
            raise language.LearnerError("data.uploads.not_an_image") from None


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any mode as 8-bit RGB: deep images are scaled down to 0..255, transparent ones laid on white."""
    if image.mode.startswith("I") or image.mode == "F":
        values = np.clip(np.asarray(image, dtype=np.float64), 0, None)
        top = next((limit for limit in (255, 65535) if values.max() <= limit), values.max())
        return Image.fromarray(np.round(values / top * 255).astype(np.uint8)).convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGBA", image.size, "white")
        return Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")
    return image.convert("RGB")


PREVIEW_SIDE = 480  # a learner's photo is kept at most this large (its aspect ratio kept): 24 photos ≤ 17 MB


def photo_from_upload(data: bytes, max_side: int = PREVIEW_SIDE) -> np.ndarray:
    """An uploaded photo as uint8 RGB with its own aspect ratio, its longer side at most
    `max_side`: what the page shows, and what is squashed into the network's square input."""
    picture = open_upload(data)
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(picture, dtype=np.uint8)


def squashed(photo: np.ndarray, size: int) -> np.ndarray:
    """A photo squashed (not cropped) to (size, size, 3) uint8, as Lesson 4's training photos are
    resized: the network sees a wide photo narrowed and a tall one flattened."""
    return np.asarray(Image.fromarray(photo).resize((size, size), Image.Resampling.BILINEAR), dtype=np.uint8)


def square_photo_from_upload(data: bytes, size: int) -> np.ndarray:
    """An uploaded photo as (size, size, 3) uint8, resized like the training photos of Lesson 4."""
    return squashed(photo_from_upload(data), size)
