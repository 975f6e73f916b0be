"""Lesson 2: stock `model.fit` against the core trainer on Fashion-MNIST with the course's settings.

Flatten → Dense(128, relu) → Dense(10, softmax), adam, batch 32, 5 epochs on all 60,000
training images, from the same initial weights. Stock `fit` gets the course's `x / 255.0` float
arrays; the core trainer keeps the uint8 images and scales each batch inside its compiled step.
Both are timed from building the model to the trained weights (so compilation counts), and then
evaluated on the 10,000 test images. Each side runs `repeats` times; times are medians.

Stock `fit` builds the model in float32, as the course writes it. The core trainer uses the
lesson's default config, whose `bfloat16` setting says which precision it trains in; where that
is bfloat16, it also runs the same config in float32 in each repeat (`bench.bfloat16`), for the
gain and the accuracy difference. `--quick` (a smoke test, not figures to report) trains 2 epochs on 15,000
images, once.
"""

from __future__ import annotations

import dataclasses
import statistics
import time

import keras
import numpy as np

from bench import bfloat16
from core.computer_vision import dense_network
from core.data import fashion_mnist
from core.engine import image_classifier, training

QUICK_IMAGES, QUICK_EPOCHS = 15_000, 2


def stock_fit(config: dense_network.DenseNetConfig, data: fashion_mnist.FashionMNIST) -> tuple[float, float]:
    """The course's code path, in float32. Returns (seconds, test accuracy)."""
    config = bfloat16.float32_twin(config)
    return course_fit(dense_network.make_model, config, data.train_images / 255.0, data.test_images / 255.0, data)


def course_fit(make_model, config, train_images: np.ndarray, test_images: np.ndarray, data) -> tuple[float, float]:
    """Stock compile, fit and evaluate, as the course writes them; timed from building the model
    to the trained weights. Returns (seconds, test accuracy)."""
    started = time.perf_counter()
    model = make_model(config)
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(train_images, data.train_labels, epochs=config.epochs, batch_size=config.batch_size, verbose=0)
    seconds = time.perf_counter() - started
    _, accuracy = model.evaluate(test_images, data.test_labels, verbose=0)
    return seconds, float(accuracy)


def core_fit(config: dense_network.DenseNetConfig, data: fashion_mnist.FashionMNIST) -> tuple[float, float]:
    """The dashboard's path, with a progress callback as the page uses. Returns (seconds, test accuracy)."""
    reports = []
    started = time.perf_counter()
    model = dense_network.make_model(config)
    trainer = dense_network.make_trainer(config, model, data.train_images, data.train_labels)
    trainer.run(training.TrainingHistory(epochs_planned=config.epochs), on_progress=reports.append)
    seconds = time.perf_counter() - started
    test_set = image_classifier.HeldOut(data.test_images, data.test_labels)
    evaluation = image_classifier.evaluate(model, test_set, config.input_scale)
    assert reports, "progress must be reported"
    return seconds, evaluation.accuracy


def describe(sides: dict[str, list], digits: int) -> str:
    """The latest run of each side, in words: "stock 20.10 s (test acc 0.8732), core ..."."""
    return ", ".join(
        f"{side} {runs[-1][0]:.{digits}f} s (test acc {runs[-1][1]:.4f})" for side, runs in sides.items() if runs
    )


def quick_data(data: fashion_mnist.FashionMNIST, images: int) -> fashion_mnist.FashionMNIST:
    """The first `images` training images (all the test images), for a smoke test."""
    return dataclasses.replace(data, train_images=data.train_images[:images], train_labels=data.train_labels[:images])


def run(repeats: int = 3, quick: bool = False) -> dict:
    data = fashion_mnist.load_fashion_mnist()
    config = dense_network.DenseNetConfig()
    if quick:
        data, config, repeats = quick_data(data, QUICK_IMAGES), dataclasses.replace(config, epochs=QUICK_EPOCHS), 1
    stock_runs, core_runs, float32_runs = [], [], []
    for repeat in range(repeats):
        stock_runs.append(stock_fit(config, data))
        core_runs.append(core_fit(config, data))
        if config.bfloat16:
            float32_runs.append(core_fit(bfloat16.float32_twin(config), data))
        sides = {"stock": stock_runs, "core": core_runs, "core float32": float32_runs}
        print(f"repeat {repeat + 1}/{repeats}: {describe(sides, digits=2)}", flush=True)
    stock_s = statistics.median(seconds for seconds, _ in stock_runs)
    core_s = statistics.median(seconds for seconds, _ in core_runs)
    core_accuracy = float(np.median([accuracy for _, accuracy in core_runs]))
    float32_figures = (
        (statistics.median(seconds for seconds, _ in float32_runs), float(np.median([acc for _, acc in float32_runs])))
        if float32_runs
        else (None, None)
    )
    return {
        "benchmark": "dense",
        "data_source": data.source,
        "quick": quick,
        "train_images": len(data.train_labels),
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "repeats": repeats,
        "stock_s": round(stock_s, 3),
        "core_s": round(core_s, 3),
        "speedup": round(stock_s / core_s, 2),
        "stock_test_accuracy": round(float(np.median([accuracy for _, accuracy in stock_runs])), 4),
        "core_test_accuracy": round(core_accuracy, 4),
        **bfloat16.fields(config.bfloat16, core_s, core_accuracy, *float32_figures),
        "dataset_mb": round(data.nbytes / 1e6, 1),
        "stock_times_s": [round(seconds, 3) for seconds, _ in stock_runs],
        "core_times_s": [round(seconds, 3) for seconds, _ in core_runs],
        "float32_times_s": [round(seconds, 3) for seconds, _ in float32_runs],
    }
