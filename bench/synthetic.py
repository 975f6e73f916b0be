"""Lesson 4's offline sample: does the course's network learn it at the page's defaults?

Draws the synthetic sample as the page does (120 circles and 120 squares, PNGs decoded through
the same guarded decoder) with seeds 0, 1 and 2, a new sample for each, and trains the page's
defaults on each (150×150, five blocks, RMSprop 0.001, 15 epochs, batch 32, 20% held out, the
same seed). The target is a final validation accuracy of at least 0.90 in at most 20 s of
training on two cores. TensorFlow's threads are fixed when it starts, so run it once per thread
count: `TF_NUM_INTRAOP_THREADS=2 python3 -m bench synthetic`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from bench.validation_spread import measure
from core.data import image_folders
from core.real_world_images import photos


def drawn(seed: int) -> tuple[np.ndarray, np.ndarray]:
    with tempfile.TemporaryDirectory() as folder:
        decoded = photos.load_images(image_folders.make_synthetic_dataset(Path(folder), seed=seed), 150)
    return decoded.images, decoded.labels


def run(repeats: int = 1) -> dict:
    return {"benchmark": "synthetic", **measure(drawn)}
