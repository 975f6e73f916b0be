"""Small MNIST-like IDX files the tests write themselves: the digits 0-9 drawn with Pillow's font,
white on black at 28×28, shifted and sized a little differently each time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.data import fashion_mnist
from tests.core.data.test_fashion_mnist import write_idx


def draw_digits(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.arange(count, dtype=np.uint8) % 10
    images = np.zeros((count, 28, 28), np.uint8)
    for index, label in enumerate(labels):
        font = ImageFont.load_default(size=int(rng.integers(18, 23)))
        picture = Image.new("L", (28, 28), 0)
        x, y = rng.integers(6, 11), rng.integers(0, 4)
        ImageDraw.Draw(picture).text((int(x), int(y)), str(int(label)), fill=255, font=font)
        images[index] = np.asarray(picture)
    return images, labels


def write_digit_idx(folder: Path, train: int = 3000, test: int = 200) -> Path:
    """The four IDX files of an MNIST-like set in `folder`, as MNIST_DIR expects them."""
    folder.mkdir(parents=True, exist_ok=True)
    for split, (images, labels) in {"train": draw_digits(train, seed=0), "test": draw_digits(test, seed=1)}.items():
        write_idx(folder / fashion_mnist.FILE_NAMES[f"{split}_images"], images, gzip_it=False)
        write_idx(folder / fashion_mnist.FILE_NAMES[f"{split}_labels"], labels, gzip_it=False)
    return folder
