"""Small MNIST-like IDX files the tests write themselves: the digits 0-9 drawn with Pillow's font,
white on black at 28×28, shifted and sized a little differently each time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core import fashion_mnist


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


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_digit_idx(folder: Path, train: int = 3000, test: int = 200) -> Path:
    """The four IDX files of an MNIST-like set in `folder`, as MNIST_DIR expects them."""
    folder.mkdir(parents=True, exist_ok=True)
    train_images, train_labels = draw_digits(train, seed=0)
    test_images, test_labels = draw_digits(test, seed=1)
    arrays = {
        "train_images": train_images,
        "train_labels": train_labels,
        "test_images": test_images,
        "test_labels": test_labels,
    }
    for key, array in arrays.items():
        (folder / fashion_mnist.FILE_NAMES[key]).write_bytes(idx_bytes(array))
    return folder
