"""The cost of Lessons 2-4's weight and gradient histograms: the same training with and without them.

Lesson 2's dense network at its page's defaults (5 epochs of all 60,000 images, XLA) and Lesson
3's CNN for one epoch of 20% of them (its default precision), each trained with the histograms
recorded and without, alternating in one process (after an untimed warm-up of each side, which
compiles what later runs reuse; the order flips every repeat). Timed from building the model to
the trained weights, as `bench dense` times them, so the per-run trace of the gradient function is
counted. The ratio of the medians is the overhead; the target is at most 1.05. On a shared,
busy machine the runs' own spread can exceed 5%, so two figures other processes sway less are
reported too and judged (`within_target`): the ratio of the processor time this process spent
(`cpu_ratio`, all its threads), and the time spent recording (the trace, the gradient passes and
the histograms, timed inside the runs) as a share of the runs with it (`recording_share`).
`--quick`: 2,000 images, one epoch each, one repeat (a smoke test, not figures to report).
"""

from __future__ import annotations

import dataclasses
import statistics
import time

from bench import dense
from core.computer_vision import dense_network
from core.convolutions import cnn
from core.data import fashion_mnist
from core.engine import training

TARGET = 1.05


def timed_training(
    lesson, config, data: fashion_mnist.FashionMNIST, record_histograms: bool
) -> tuple[float, float, float]:
    """Seconds from building the lesson's model to its trained weights, the processor seconds
    this process spent meanwhile, and of the seconds, those spent recording the histograms."""
    started, processor_started = time.perf_counter(), time.process_time()
    model = lesson.make_model(config)
    trainer = lesson.make_trainer(
        config, model, data.train_images, data.train_labels, record_histograms=record_histograms
    )
    recording = trainer._record_histograms
    spent = [0.0]

    def timed_recording(*arguments, **options) -> None:
        began = time.perf_counter()
        recording(*arguments, **options)
        spent[0] += time.perf_counter() - began

    trainer._record_histograms = timed_recording  # type: ignore[method-assign]
    history = trainer.run(training.TrainingHistory(epochs_planned=config.epochs))
    if record_histograms != (history.histograms is not None):
        raise RuntimeError("The trainer recorded histograms when it was not asked to, or did not when asked.")
    return time.perf_counter() - started, time.process_time() - processor_started, spent[0]


def compare(name: str, lesson, config, data: fashion_mnist.FashionMNIST, repeats: int) -> dict:
    """Alternating runs with and without the histograms; medians and their ratio."""
    times: dict[bool, list[float]] = {False: [], True: []}
    processor: dict[bool, list[float]] = {False: [], True: []}
    recording: list[float] = []
    for record_histograms in (False, True):
        timed_training(lesson, config, data, record_histograms)  # warm-up: XLA compiled, kernels loaded
    for repeat in range(repeats):
        for record_histograms in (False, True) if repeat % 2 == 0 else (True, False):
            seconds, processor_seconds, spent = timed_training(lesson, config, data, record_histograms)
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


def run(repeats: int = 5, quick: bool = False) -> dict:
    data = fashion_mnist.load_fashion_mnist()
    dense_config = dense_network.DenseNetConfig()
    cnn_config = cnn.CnnConfig(epochs=1, train_fraction=0.2)
    if quick:
        data, repeats = dense.quick_data(data, 2_000), 1
        dense_config = dataclasses.replace(dense_config, epochs=1)
        cnn_config = dataclasses.replace(cnn_config, train_fraction=1.0)
    return {
        "benchmark": "histograms",
        "data_source": data.source,
        "quick": quick,
        "repeats": repeats,
        "target_ratio": TARGET,
        "lesson_2": compare("Lesson 2", dense_network, dense_config, data, repeats),
        "lesson_3": compare("Lesson 3", cnn, cnn_config, data, repeats),
    }
