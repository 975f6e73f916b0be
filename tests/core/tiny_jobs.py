"""Small training jobs for the runner tests, gated so a test decides when each may go on.

The gate is a folder: a job appends its name to `started.log` when its build starts, then waits
for a file `open-<name>`. Files work across processes, so the same jobs run in the embedded
runner's threads and on Ray's workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from core.base import jobs
from core.engine import image_classifier, training


@dataclass(frozen=True)
class TinyConfig:
    epochs: int = 2
    input_scale: float = 1 / 255


def tiny_model(config: TinyConfig) -> keras.Model:
    return keras.Sequential([keras.Input((4, 4)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])


def tiny_setup(config: TinyConfig) -> jobs.TrainingSetup:
    """Bright against dark 4×4 pictures: learnable in a few epochs, one step per compiled call so
    that Stop is seen quickly."""
    rng = np.random.default_rng(0)
    labels = (np.arange(40) % 2).astype(np.uint8)
    images = (rng.integers(0, 80, size=(40, 4, 4)) + labels[:, None, None] * 150).astype(np.uint8)
    model = tiny_model(config)
    trainer = training.Trainer(
        model,
        training.make_optimizer("adam", 0.05),
        "sparse_categorical_crossentropy",
        images,
        labels,
        batch_size=8,
        accuracy="sparse_categorical",
        input_scale=config.input_scale,
        steps_per_call=1,
    )
    return jobs.TrainingSetup(model, trainer, image_classifier.HeldOut(images, labels, "validation"))


@dataclass(frozen=True)
class Gate:
    folder: str
    name: str
    fail: bool = False

    def open(self) -> None:
        (Path(self.folder) / f"open-{self.name}").touch()


def started(folder: Path) -> list[str]:
    log = folder / "started.log"
    return log.read_text().split() if log.exists() else []


def gated_build(config: TinyConfig, gate: Gate) -> jobs.TrainingSetup:
    with open(Path(gate.folder) / "started.log", "a") as log:
        log.write(gate.name + "\n")
    deadline = time.monotonic() + 120
    while not (Path(gate.folder) / f"open-{gate.name}").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never opened the gate")
        time.sleep(0.02)
    if gate.fail:
        raise MemoryError("a test pretending the worker ran out of memory")
    return tiny_setup(config)


def gated_job(gate: Gate, epochs: int = 2) -> jobs.TrainingJob:
    return jobs.TrainingJob("computer_vision", TinyConfig(epochs), gated_build, tiny_model, data=gate)


def wait_for(condition, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
