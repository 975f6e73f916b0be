"""Lessons 2 and 3, "draw it yourself": a learner's drawing made into the 28×28 picture that a
network trained on Fashion-MNIST or MNIST sees.

The learner draws dark ink on a white canvas, ten times the network's resolution. The drawing goes
through the same guarded decoder as every upload (`uploads.open_upload`: its size, its format, its
transparency laid on white), then is prepared the way the training images were:

- Fashion-MNIST (Xiao et al., 2017): trimmed to the object, its longer side resized to 28 with
  anti-aliasing, centred in 28×28 and negated, so the object fills the frame, light on dark.
- MNIST (LeCun et al.): the digit scaled with anti-aliasing into a 20×20 box, its aspect ratio kept,
  then placed in 28×28 so that its centre of mass falls on the centre.

Both store 0 for the background and 255 for full ink, as `fashion_mnist.FashionMNIST` does.
Shrinking averages each network pixel over the canvas pixels it covers, which is why a thin stroke
comes out faint grey: the page shows the 28×28 picture large, pixel by pixel, so the learner sees it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from core.data import uploads

IMAGE_SIDE = 28  # the training images' side (fashion_mnist.IMAGE_SIDE; that module loads Keras)
DIGIT_BOX = 20  # MNIST's box for the digit itself (mnist.MNIST_BOX)
CANVAS_SIDE = 280  # the canvas the page offers: ten canvas pixels to one of the network's
INK_LEVEL = 128  # a canvas pixel at least half dark is ink; the pen's soft edge is not
# The smallest drawing worth a guess, as a share of the canvas's side. Framed to fill the network's
# picture, a drawing this small is blown up tenfold: on the canvas's own scale (ten pixels to one) it
# would cover under 3×3 of the network's pixels, too few to hold a shape.
MIN_EXTENT = 0.1
# ...and as a multiple of the pen's width: a dot, or a dab barely longer than the pen is wide, is one
# round blob whatever the pen, and a blob framed to 28×28 is a filled disc, not a drawing.
MIN_PEN_WIDTHS = 2.0

Framing = Literal["fills_frame", "digit_box"]  # Fashion-MNIST's framing, MNIST's


@dataclass(frozen=True)
class Drawing:
    """A drawing as the network sees it, or why it gets no guess."""

    ink: np.ndarray  # (height, width) float32, 0 = paper, 255 = full ink: the canvas, negated
    view: np.ndarray | None  # (28, 28) uint8 as the training images are; None when too little ink
    canvas_pixels_per_pixel: float = 0.0  # how many canvas pixels, a side, one of the view's averages

    def stroke_fades(self, pen_width: float) -> bool:
        """Whether the pen is thinner than one of the network's pixels, so a stroke comes out grey."""
        return self.view is not None and pen_width < self.canvas_pixels_per_pixel


def canvas_png(rgba: np.ndarray) -> bytes:
    """A canvas's RGBA pixels (height, width, 4) as PNG bytes, for the guarded decoder."""
    if rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(f"A canvas is (height, width, 4) RGBA pixels, not shape {rgba.shape}.")
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgba, np.uint8), "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def ink_from_png(data: bytes) -> np.ndarray:
    """The ink of a drawing sent as an image, through the one guarded decoder for uploads: a
    transparent canvas is laid on white, then grey is negated so that paper is 0 and ink 255."""
    grey = np.asarray(uploads.open_upload(data).convert("L"), np.float32)
    return 255 - grey


def inked_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right), bottom and right exclusive, around the pixels that are ink; None
    when nothing is."""
    rows, columns = np.nonzero(ink >= INK_LEVEL)
    if len(rows) == 0:
        return None
    return int(rows.min()), int(columns.min()), int(rows.max()) + 1, int(columns.max()) + 1


def enough_ink(ink: np.ndarray, pen_width: float) -> bool:
    """Whether a drawing is worth a guess: its ink spans at least MIN_EXTENT of the canvas's longer
    side and MIN_PEN_WIDTHS pen widths. An empty canvas, a dot or a speck gets a plain message
    instead of a confident answer about a blob."""
    box = inked_box(ink)
    if box is None:
        return False
    top, left, bottom, right = box
    extent = max(bottom - top, right - left)
    return extent >= MIN_EXTENT * max(ink.shape) and extent >= MIN_PEN_WIDTHS * pen_width


def _square_around_ink(ink: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The inked box, padded with paper on its shorter sides into a square with the ink centred."""
    top, left, bottom, right = box
    cropped = ink[top:bottom, left:right]
    side = max(cropped.shape)
    square = np.zeros((side, side), np.float32)
    row, column = (side - cropped.shape[0]) // 2, (side - cropped.shape[1]) // 2
    square[row : row + cropped.shape[0], column : column + cropped.shape[1]] = cropped
    return square


def _shrunk(square: np.ndarray, side: int) -> np.ndarray:
    """A square of ink shrunk to side×side by averaging (the anti-aliasing both data sets used), in 0..255."""
    picture = Image.fromarray(square.astype(np.float32), "F").resize((side, side), Image.Resampling.BOX)
    return np.clip(np.asarray(picture, np.float32), 0, 255)


def filling_the_frame(ink: np.ndarray) -> np.ndarray:
    """A drawing framed as Fashion-MNIST frames its clothes: trimmed to the ink, the longer side
    28 pixels, centred, as (28, 28) uint8."""
    box = inked_box(ink)
    if box is None:
        return np.zeros((IMAGE_SIDE, IMAGE_SIDE), np.uint8)
    return np.rint(_shrunk(_square_around_ink(ink, box), IMAGE_SIDE)).astype(np.uint8)


def centre_of_mass(picture: np.ndarray) -> tuple[float, float]:
    """(row, column) of a picture's centre of mass, its values the weights."""
    total = float(picture.sum())
    if total == 0:
        return (picture.shape[0] - 1) / 2, (picture.shape[1] - 1) / 2
    rows, columns = np.indices(picture.shape)
    return float((rows * picture).sum() / total), float((columns * picture).sum() / total)


def as_handwritten_digit(ink: np.ndarray) -> np.ndarray:
    """A drawing framed as MNIST frames its digits: scaled into a 20×20 box (its aspect ratio kept)
    and placed so that its centre of mass is at the centre of 28×28, as (28, 28) uint8."""
    box = inked_box(ink)
    digit = np.zeros((IMAGE_SIDE, IMAGE_SIDE), np.float32)
    if box is None:
        return digit.astype(np.uint8)
    boxed = _shrunk(_square_around_ink(ink, box), DIGIT_BOX)
    rows, columns = np.nonzero(boxed > 0)
    tight = boxed[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    row, column = centre_of_mass(tight)
    centre = (IMAGE_SIDE - 1) / 2
    top = int(np.clip(round(centre - row), 0, IMAGE_SIDE - tight.shape[0]))
    left = int(np.clip(round(centre - column), 0, IMAGE_SIDE - tight.shape[1]))
    digit[top : top + tight.shape[0], left : left + tight.shape[1]] = tight
    return np.rint(digit).astype(np.uint8)


def network_view(data: bytes, pen_width: float, framing: Framing = "fills_frame") -> Drawing:
    """A drawing sent as image bytes, as the network sees it, or with no view when there is too
    little ink to guess from. A file the decoder refuses raises its `LearnerError`."""
    ink = ink_from_png(data)
    if not enough_ink(ink, pen_width):
        return Drawing(ink, None)
    view = filling_the_frame(ink) if framing == "fills_frame" else as_handwritten_digit(ink)
    return Drawing(ink, view, canvas_pixels_per_pixel(ink, framing))


def canvas_pixels_per_pixel(ink: np.ndarray, framing: Framing = "fills_frame") -> float:
    """How many canvas pixels, along a side, are averaged into one pixel of the network's view: the
    inked square's side over the 28 (Fashion-MNIST) or 20 (MNIST's box) it is shrunk to."""
    box = inked_box(ink)
    if box is None:
        return 0.0
    top, left, bottom, right = box
    return max(bottom - top, right - left) / (IMAGE_SIDE if framing == "fills_frame" else DIGIT_BOX)


def pixelated(view: np.ndarray, factor: int) -> np.ndarray:
    """A small picture blown up `factor` times with each pixel a hard square, so a browser cannot
    smooth the 28×28 view into something the network never saw."""
    return np.kron(view, np.ones((factor, factor), view.dtype))
