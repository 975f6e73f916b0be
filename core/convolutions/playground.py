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

KERNEL_PRESETS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "course edges": ((0, 1, 0), (1, -4, 1), (0, 1, 0)),
    "vertical Sobel": ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),
    "horizontal Sobel": ((-1, -2, -1), (0, 0, 0), (1, 2, 1)),
    "sharpen": ((0, -1, 0), (-1, 5, -1), (0, -1, 0)),
    "blur": ((1, 1, 1), (1, 1, 1), (1, 1, 1)),
    "identity": ((0, 0, 0), (0, 1, 0), (0, 0, 0)),
}
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
        raise RuntimeError("The sample photo is missing: install scikit-image, which ships it (data/camera.png).")
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.float32)


def _check_photo(photo: np.ndarray, smallest_side: int) -> np.ndarray:
    photo = np.asarray(photo, dtype=np.float32)
    if photo.ndim != 2 or min(photo.shape) < smallest_side:
        raise ValueError(f"Expected a grey photo at least {smallest_side}×{smallest_side}; got shape {photo.shape}.")
    if not np.isfinite(photo).all():
        raise ValueError("The photo contains values that are not finite numbers.")
    return photo


def _check_kernel(kernel) -> np.ndarray:
    try:
        values = np.asarray(kernel)
    except ValueError:
        raise ValueError("The kernel must be 3 rows of 3 numbers.") from None
    if values.shape != (3, 3) or values.dtype.kind not in "iuf":
        raise ValueError(f"The kernel must be 3 rows of 3 numbers; got {kernel!r}.")
    if not np.isfinite(values).all():
        raise ValueError("Every number in the kernel must be finite (no NaN or infinity).")
    return values.astype(np.float32)


def kernel_from_grid(grid: pd.DataFrame) -> np.ndarray:
    """The filter the learner typed into the page's 3×3 table; an emptied cell (or a missing row)
    is refused in words the table's reader understands."""
    kernel = grid.to_numpy(dtype=float, na_value=np.nan)
    if kernel.shape != (3, 3) or not np.all(np.isfinite(kernel)):
        raise ValueError("Every cell of the 3×3 filter needs a number.")
    return kernel


def _check_weight(weight: float) -> float:
    try:
        weight = float(weight)
    except (TypeError, ValueError):
        raise ValueError(f"The weight must be a number; got {weight!r}.") from None
    if not math.isfinite(weight):
        raise ValueError(f"The weight must be a finite number; got {weight!r}.")
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

    @property
    def shapes_sentence(self) -> str:
        """The sizes as width×height, the way image sizes are usually written."""
        photo, filtered, pooled = (f"{a.shape[1]}×{a.shape[0]}" for a in (self.photo, self.filtered, self.pooled))
        return f"{photo} → {filtered} after the 3×3 filter → {pooled} after 2×2 max pooling"


def filter_and_pool(photo: np.ndarray, kernel, weight: float = 1.0) -> FilterResult:
    """The whole demonstration: filter the photo, then pool the filtered image."""
    photo = _check_photo(photo, smallest_side=4)
    filtered = apply_filter(photo, kernel, weight)
    return FilterResult(photo=photo, filtered=filtered, pooled=max_pool_2x2(filtered))


def describe_kernel(kernel, weight: float = 1.0) -> str:
    """One short, true sentence on what the kernel keeps, judged from its numbers (times the weight)."""
    values = _check_kernel(kernel).astype(np.float64) * _check_weight(weight)
    total, centre = float(values.sum()), float(values[1, 1])
    off_centre = np.delete(values.ravel(), 4)
    left_to_right, top_to_bottom = values[:, 2].sum() - values[:, 0].sum(), values[2].sum() - values[0].sum()
    if not values.any():
        return "This kernel is all zeros: every pixel turns black."
    if not off_centre.any():
        if math.isclose(centre, 1.0):
            return "This kernel copies the photo: only the centre pixel counts, with weight 1."
        return f"This kernel only scales each pixel by {centre:g}; results outside 0..255 are clipped."
    if np.allclose(values, -np.fliplr(values)) and left_to_right:
        brighter, darker = ("right", "left") if left_to_right > 0 else ("left", "right")
        return f"This kernel finds vertical edges: it lights up where the {brighter} is brighter than the {darker}."
    if np.allclose(values, -np.flipud(values)) and top_to_bottom:
        brighter, darker = ("below", "above") if top_to_bottom > 0 else ("above", "below")
        return f"This kernel finds horizontal edges: it lights up where it is brighter {brighter} than {darker}."
    if math.isclose(total, 0.0, abs_tol=1e-9):
        return "This kernel sums to 0: flat areas turn black and only changes in brightness (edges) stay bright."
    if (values >= 0).all():
        if math.isclose(total, 1.0):
            return "This kernel averages neighbours: a blur that keeps the photo's brightness."
        change = "brighter" if total > 1 else "darker"
        return f"This kernel averages neighbours: a blur; it sums to {total:.3g}, so the photo also gets {change}."
    if centre > 0 and (off_centre <= 0).all() and math.isclose(total, 1.0):
        return "This kernel sharpens: it boosts each pixel against its neighbours; flat areas keep their brightness."
    return f"This kernel mixes each pixel with its neighbours; it sums to {total:.3g}, which scales flat areas."


def pooling_sentence() -> str:
    """What 2×2 max pooling did to the filtered image."""
    return (
        "2×2 max pooling kept a quarter of the pixels, the strongest response in each 2×2 block, "
        "so the features the filter found survive while the image shrinks."
    )
