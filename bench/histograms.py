"""The cost of Lessons 2-4's weight and gradient histograms: the same training with and without them.

Lesson 2's dense network at its page's defaults (5 epochs of all 60,000 images, XLA), Lesson 3's
CNN for one epoch of 20% of them (its default precision) and Lesson 4's network at its page's
defaults on the horse-or-human photos in HORSE_OR_HUMAN_DIR (150×150, 20% held out and validated
after every epoch) for two epochs (its recording, like its validation, is once per epoch, so two
epochs of fifteen show the per-epoch share and count its one trace more heavily than a full run
would). Each is trained with the histograms recorded and without, alternating in one process
(after an untimed warm-up of each side, which compiles what later runs reuse; the order flips
every repeat). Timed from building the model to the trained weights, as `bench dense` times them,
so the per-run trace of the gradient function is counted. The ratio of the medians is the
overhead; the target is at most 1.05. On a shared, busy machine the runs' own spread can exceed
5%, so two figures other processes sway less are reported too and judged (`within_target`): the
ratio of the processor time this process spent (`cpu_ratio`, all its threads), and the time spent
recording (the trace, the gradient passes and the histograms, timed inside the runs) as a share of
the runs with it (`recording_share`). Without the photos, Lesson 4 is left out and says why.
`bench all` runs this after the lessons and adds its ratios to its table.
`--quick`: 2,000 images (200 photos), one epoch each, one repeat (a smoke test, not figures to report).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench import dense
from core.computer_vision import dense_network
from core.convolutions import cnn
from core.data import fashion_mnist, image_folders
from core.engine import training
from core.real_world_images import network, photos

TARGET = 1.05
LESSON_4_EPOCHS = 2
QUICK_PHOTOS = 200

MakeTrainer = Callable[[bool], training.Trainer]  # builds a lesson's model and its trainer, recording or not


def timed_training(make_trainer: MakeTrainer, epochs: int, record_histograms: bool) -> tuple[float, float, float]:
    """Seconds from building the lesson's model to its trained weights, the processor seconds
    this process spent meanwhile, and of the seconds, those spent recording the histograms."""
    started, processor_started = time.perf_counter(), time.process_time()
    trainer = make_trainer(record_histograms)
    recording = trainer._record_histograms
    spent = [0.0]

    def timed_recording(*arguments, **options) -> None:
        began = time.perf_counter()
        recording(*arguments, **options)
        spent[0] += time.perf_counter() - began

    trainer._record_histograms = timed_recording  # type: ignore[method-assign]
    history = trainer.run(training.TrainingHistory(epochs_planned=epochs))
    if record_histograms != (history.histograms is not None):
        raise RuntimeError("The trainer recorded histograms when it was not asked to, or did not when asked.")
    return time.perf_counter() - started, time.process_time() - processor_started, spent[0]


def compare(name: str, make_trainer: MakeTrainer, epochs: int, repeats: int) -> dict:
    """Alternating runs with and without the histograms; medians and their ratio."""
    times: dict[bool, list[float]] = {False: [], True: []}
    processor: dict[bool, list[float]] = {False: [], True: []}
    recording: list[float] = []
    for record_histograms in (False, True):
        timed_training(make_trainer, epochs, record_histograms)  # warm-up: XLA compiled, kernels loaded
    for repeat in range(repeats):
        for record_histograms in (False, True) if repeat % 2 == 0 else (True, False):
            seconds, processor_seconds, spent = timed_training(make_trainer, epochs, record_histograms)
            times[record_histograms].append(seconds)
            processor[record_histograms].append(processor_seconds)
            if record_histograms:
                recording.append(spent)
        print(
            f"{name} repeat {repeat + 1}/{repeats}: without {times[False][-1]:.2f} s, "
            f"with {times[True][-1]:.2f} s ({recording[-1]:.3f} s of it recording); processor "
            f"{processor[False][-1]:.2f} s and {processor[True][-1]:.2f} s"
        )
    without, with_histograms = statistics.median(times[False]), statistics.median(times[True])
    processor_ratio = statistics.median(processor[True]) / statistics.median(processor[False])
    share = statistics.median(spent / seconds for spent, seconds in zip(recording, times[True], strict=True))
    return {
        "without_s": round(without, 3),
        "with_s": round(with_histograms, 3),
        "ratio": round(with_histograms / without, 3),
        "cpu_ratio": round(processor_ratio, 3),
        "recording_s": round(statistics.median(recording), 4),
        "recording_share": round(share, 4),
        # Judged by the figures other processes sway least; the wall-clock ratio is kept beside them.
        "within_target": processor_ratio <= TARGET and share <= TARGET - 1,
        "without_times_s": [round(seconds, 3) for seconds in times[False]],
        "with_times_s": [round(seconds, 3) for seconds in times[True]],
        "without_cpu_s": [round(seconds, 3) for seconds in processor[False]],
        "with_cpu_s": [round(seconds, 3) for seconds in processor[True]],
    }


def fashion_mnist_trainer(lesson, config, data: fashion_mnist.FashionMNIST) -> MakeTrainer:
    """Lesson 2's or 3's model and trainer at `config` on all of `data`'s training images."""
    return lambda record_histograms: lesson.make_trainer(
        config, lesson.make_model(config), data.train_images, data.train_labels, record_histograms=record_histograms
    )


def photos_trainer(config: network.RealWorldConfig, quick: bool) -> MakeTrainer | str:
    """Lesson 4's model and trainer at `config` on the horse-or-human photos (decoded once, held
    out as the page does), or why it cannot run here."""
    root = Path(os.environ.get("HORSE_OR_HUMAN_DIR", "../shared/datasets/horse-or-human"))
    try:
        folder = image_folders.scan_folder(root)
    except (OSError, ValueError) as problem:
        return f"no horse-or-human photos at {root} (set HORSE_OR_HUMAN_DIR): {problem}"
    decoded = photos.load_images(folder, config.image_size)
    images, labels = decoded.images, decoded.labels
    if quick:  # an even spread over the photos, which are in class order: both classes
        chosen = np.linspace(0, len(labels) - 1, min(QUICK_PHOTOS, len(labels))).astype(int)
        images, labels = images[chosen], labels[chosen]
    split = network.split_photos(config, images, labels)
    return lambda record_histograms: network.make_trainer(
        config, network.make_model(config), split, record_histograms=record_histograms
    )


def run(repeats: int = 5, quick: bool = False) -> dict:
    data = fashion_mnist.load_fashion_mnist()
    dense_config = dense_network.DenseNetConfig()
    cnn_config = cnn.CnnConfig(epochs=1, train_fraction=0.2)
    photos_config = dataclasses.replace(network.RealWorldConfig(), epochs=LESSON_4_EPOCHS)
    if quick:
        data, repeats = dense.quick_data(data, 2_000), 1
        dense_config = dataclasses.replace(dense_config, epochs=1)
        cnn_config = dataclasses.replace(cnn_config, train_fraction=1.0)
        photos_config = dataclasses.replace(photos_config, epochs=1)
    lesson_4 = photos_trainer(photos_config, quick)
    if isinstance(lesson_4, str):
        print(f"Lesson 4 left out: {lesson_4}", flush=True)
    return {
        "benchmark": "histograms",
        "data_source": data.source,
        "quick": quick,
        "repeats": repeats,
        "target_ratio": TARGET,
        "lesson_2": compare(
            "Lesson 2", fashion_mnist_trainer(dense_network, dense_config, data), dense_config.epochs, repeats
        ),
        "lesson_3": compare("Lesson 3", fashion_mnist_trainer(cnn, cnn_config, data), cnn_config.epochs, repeats),
        "lesson_4": (
            {"left_out": lesson_4}
            if isinstance(lesson_4, str)
            else {
                "epochs": photos_config.epochs,
                "precision": "bfloat16" if photos_config.bfloat16 else "float32",
                **compare("Lesson 4", lesson_4, photos_config.epochs, repeats),
            }
        ),
    }
