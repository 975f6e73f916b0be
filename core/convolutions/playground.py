"""Lesson 3, "Enhancing vision with convolutions": what a 3×3 filter and 2×2 max pooling do to a photo.

Before any training, the course slides a hand-written 3×3 filter over a photo, clips the result to
0..255, and then keeps the largest value in every 2×2 block. The filter brings out features such as
edges; pooling shrinks the image to a quarter while keeping those features. The course loops over
pixels in Python; here TensorFlow's own ops do the work (tests check them against NumPy loops).
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf
from PIL import Image

from core.base import language

KERNEL_PRESETS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "course edges": ((0, 1, 0), (1, -4, 1), (0, 1, 0)),
    "vertical Sobel": ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),
    "horizontal Sobel": ((-1, -2, -1), (0, 0, 0), (1, 2, 1)),
    "sharpen": ((0, -1, 0), (-1, 5, -1), (0, -1, 0)),
    "blur": ((1, 1, 1), (1, 1, 1), (1, 1, 1)),
    "identity": ((0, 0, 0), (0, 1, 0), (0, 0, 0)),
}


def preset_key(name: str) -> str:
    """A preset's catalogue key (`"vertical Sobel"` → `convolutions.kernel.presets.vertical_sobel`); the
    preset's name itself stays the widget's value and key."""
    return f"convolutions.kernel.presets.{name.lower().replace(' ', '_')}"


# The course multiplies the filter's output by a weight; 1/9 turns the blur's sum into an average.
PRESET_WEIGHTS: dict[str, float] = {name: 1 / 9 if name == "blur" else 1.0 for name in KERNEL_PRESETS}


# The sample is scikit-image's `camera.png`: a photographer with his camera. Named after what it
# shows, since the page also offers the learner's own camera as a source.
SAMPLE_PHOTO = "Photographer (scikit-image's sample photo)"


def sample_photo() -> np.ndarray:
    """The 512×512 grey photo of a photographer that scikit-image ships, so the lesson works offline.

    The file is found without importing scikit-image, which is not needed for anything else.
    """
    spec = importlib.util.find_spec("skimage")
    locations = spec.submodule_search_locations if spec else None
    path = Path(locations[0]) / "data" / "camera.png" if locations else None
    if path is None or not path.is_file():
        # For whoever runs the server, not the learner: said in English.
        raise RuntimeError(str(language.Message("convolutions.errors.sample_missing")))
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.float32)


def _check_photo(photo: np.ndarray, smallest_side: int) -> np.ndarray:
    photo = np.asarray(photo, dtype=np.float32)
    if photo.ndim != 2 or min(photo.shape) < smallest_side:
        raise language.LearnerError("convolutions.errors.photo_shape", side=smallest_side, shape=photo.shape)
    if not np.isfinite(photo).all():
        raise language.LearnerError("convolutions.errors.photo_not_finite")
    return photo


def _check_kernel(kernel) -> np.ndarray:
    try:
        values = np.asarray(kernel)
    except ValueError:
        raise language.LearnerError("convolutions.errors.kernel_rows") from None
    if values.shape != (3, 3) or values.dtype.kind not in "iuf":
        raise language.LearnerError("convolutions.errors.kernel_rows_got", kernel=repr(kernel))
    if not np.isfinite(values).all():
        raise language.LearnerError("convolutions.errors.kernel_not_finite")
    return values.astype(np.float32)


def kernel_from_grid(grid: pd.DataFrame) -> np.ndarray:
    """The filter the learner typed into the page's 3×3 table; an emptied cell (or a missing row)
    is refused in words the table's reader understands."""
    kernel = grid.to_numpy(dtype=float, na_value=np.nan)
    if kernel.shape != (3, 3) or not np.all(np.isfinite(kernel)):
        raise language.LearnerError("convolutions.kernel.needs_numbers")
    return kernel


def _check_weight(weight: float) -> float:
    try:
        weight = float(weight)
    except (TypeError, ValueError):
        raise language.LearnerError("convolutions.errors.weight_number", weight=repr(weight)) from None
    if not math.isfinite(weight):
        raise language.LearnerError("convolutions.errors.weight_not_finite", weight=repr(weight))
    return weight


def apply_filter(photo: np.ndarray, kernel, weight: float = 1.0) -> np.ndarray:
    """The course's filter: each output pixel is the 3×3 neighbourhood times the kernel, summed, weighted and
    clipped to 0..255. Like tf.nn.conv2d (and the course's loops), the kernel is not flipped, and only
    positions where it fits inside the photo are kept, so the result loses one pixel on every edge."""
    photo = _check_photo(photo, smallest_side=3)
    kernel = _check_kernel(kernel)
    weight = _check_weight(weight)
    filtered = tf.nn.conv2d(photo[None, :, :, None], kernel[:, :, None, None], strides=1, padding="VALID")
    return np.clip(filtered.numpy()[0, :, :, 0] * np.float32(weight), 0, 255)


def max_pool_2x2(image: np.ndarray) -> np.ndarray:
    """The course's pooling: the largest value in each 2×2 block, blocks not overlapping. An odd last row or
    column has no full block and is dropped, as Keras's MaxPooling2D does."""
    image = _check_photo(image, smallest_side=2)
    pooled = tf.nn.max_pool2d(image[None, :, :, None], ksize=2, strides=2, padding="VALID")
    return pooled.numpy()[0, :, :, 0]


@dataclass(frozen=True)
class FilterResult:
    """The photo at each step of the lesson's pipeline."""

    photo: np.ndarray  # the input, (H, W) float32 in 0..255
    filtered: np.ndarray  # after the 3×3 filter: (H-2, W-2), clipped to 0..255
    pooled: np.ndarray  # after 2×2 max pooling: (floor((H-2)/2), floor((W-2)/2))

    def shapes_sentence(self, *, words: language.Words) -> str:
        """The sizes as width×height, the way image sizes are usually written."""
        photo, filtered, pooled = (f"{a.shape[1]}×{a.shape[0]}" for a in (self.photo, self.filtered, self.pooled))
        return words("convolutions.playground.shapes", photo=photo, filtered=filtered, pooled=pooled)


def filter_and_pool(photo: np.ndarray, kernel, weight: float = 1.0) -> FilterResult:
    """The whole demonstration: filter the photo, then pool the filtered image."""
    photo = _check_photo(photo, smallest_side=4)
    filtered = apply_filter(photo, kernel, weight)
    return FilterResult(photo=photo, filtered=filtered, pooled=max_pool_2x2(filtered))


def describe_kernel(kernel, weight: float = 1.0, *, words: language.Words) -> str:
    """One short, true sentence on what the kernel keeps, judged from its numbers (times the weight)."""
    values = _check_kernel(kernel).astype(np.float64) * _check_weight(weight)
    total, centre = float(values.sum()), float(values[1, 1])
    off_centre = np.delete(values.ravel(), 4)
    left_to_right, top_to_bottom = values[:, 2].sum() - values[:, 0].sum(), values[2].sum() - values[0].sum()
    said = "convolutions.playground.kernel."
    if not values.any():
        return words(said + "zeros")
    if not off_centre.any():
        if math.isclose(centre, 1.0):
            return words(said + "copies")
        return words(said + "scales", centre=f"{centre:g}")
    if np.allclose(values, -np.fliplr(values)) and left_to_right:
        return words(said + ("vertical_edges_right" if left_to_right > 0 else "vertical_edges_left"))
    if np.allclose(values, -np.flipud(values)) and top_to_bottom:
        return words(said + ("horizontal_edges_below" if top_to_bottom > 0 else "horizontal_edges_above"))
    if math.isclose(total, 0.0, abs_tol=1e-9):
        return words(said + "sums_to_zero")
    if (values >= 0).all():
        if math.isclose(total, 1.0):
            return words(said + "blur")
        return words(said + ("blur_brighter" if total > 1 else "blur_darker"), total=f"{total:.3g}")
    if centre > 0 and (off_centre <= 0).all() and math.isclose(total, 1.0):
        return words(said + "sharpens")
    return words(said + "mixes", total=f"{total:.3g}")


def pooling_sentence(*, words: language.Words) -> str:
    """What 2×2 max pooling did to the filtered image."""
    return words("convolutions.playground.pooling_sentence")
