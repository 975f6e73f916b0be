"""One tiny Lesson 4 run, trained once and shared by the tests that look at a trained network."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import pytest

from core.data import image_folders
from core.engine import training
from core.real_world_images import network, photos


@dataclass(frozen=True)
class TinyRun:
    config: network.RealWorldConfig
    model: keras.Model
    history: training.TrainingHistory
    images: np.ndarray
    labels: np.ndarray


@pytest.fixture(scope="session")
def tiny_trained(tmp_path_factory) -> TinyRun:
    """One epoch of the course's network (two blocks, augmentation on) on 24 synthetic pictures."""
    folder = image_folders.make_synthetic_dataset(tmp_path_factory.mktemp("shapes"), per_class=12, size=150, seed=2)
    config = network.RealWorldConfig(epochs=1, conv_blocks=2, batch_size=8, augment=True)
    decoded = photos.load_images(folder, config.image_size)
    images, labels = decoded.images, decoded.labels
    model = network.make_model(config)
    split = network.split_photos(config, images, labels)
    history = network.make_trainer(config, model, split).run(training.TrainingHistory(1))
    return TinyRun(config, model, history, images, labels)
