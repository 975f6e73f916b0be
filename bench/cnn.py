"""Lesson 3: stock `model.fit` against the core trainer for the course's CNN on Fashion-MNIST.

Conv2D(64, 3×3) + MaxPooling2D(2) twice, Dense(128), Dense(10); adam, batch 32, 5 epochs on all
60,000 images, from the same initial weights. Stock `fit` gets the course's reshaped
`x / 255.0` arrays; the core trainer keeps uint8 images and scales each batch in its compiled
step. Both are timed from building the model to the trained weights and evaluated on the 10,000
test images. `gflops_per_s` is the training FLOPs the core run did (from the layer shapes:
forward multiply-adds ×2, ×3 for the backward pass) per second of its training time.

Stock `fit` builds the model in float32, as the course writes it. The core trainer uses the
lesson's default config, whose `bfloat16` setting says which precision it trains in; where that
is bfloat16, it also runs the same config in float32 in each repeat (`bench.bfloat16`), for the
gain and the accuracy difference. `--quick` (a smoke test, not figures to report) trains 1 epoch on 6,000
images.
"""

from __future__ import annotations

import dataclasses
import statistics
import time

import numpy as np

from bench import bfloat16, dense
from core.convolutions import cnn
from core.data import fashion_mnist
from core.engine import image_classifier, training

QUICK_IMAGES, QUICK_EPOCHS = 6_000, 1


def stock_fit(config: cnn.CnnConfig, data: fashion_mnist.FashionMNIST) -> tuple[float, float]:
    """The course's code path on reshaped `x / 255.0` arrays, in float32. Returns (seconds, test accuracy)."""
    config = bfloat16.float32_twin(config)
    train_images = data.train_images.reshape(-1, 28, 28, 1) / 255.0
    test_images = data.test_images.reshape(-1, 28, 28, 1) / 255.0
    return dense.course_fit(cnn.make_model, config, train_images, test_images, data)


def core_fit(config: cnn.CnnConfig, data: fashion_mnist.FashionMNIST) -> tuple[float, float, float]:
    """Returns (seconds, test accuracy, training FLOPs)."""
    reports = []
    started = time.perf_counter()
    model = cnn.make_model(config)
    trainer = cnn.make_trainer(config, model, data.train_images, data.train_labels)
    history = trainer.run(training.TrainingHistory(epochs_planned=config.epochs), on_progress=reports.append)
    seconds = time.perf_counter() - started
    test_set = image_classifier.HeldOut(data.test_images, data.test_labels)
    evaluation = image_classifier.evaluate(model, test_set, config.input_scale)
    flops = cnn.training_flops_per_example(model) * trainer.num_examples * history.epochs_run
    return seconds, evaluation.accuracy, flops


def run(repeats: int = 1, quick: bool = False) -> dict:
    data = fashion_mnist.load_fashion_mnist()
    config = cnn.CnnConfig()
    if quick:
        data, config = dense.quick_data(data, QUICK_IMAGES), dataclasses.replace(config, epochs=QUICK_EPOCHS)
    stock_runs, core_runs, float32_runs = [], [], []
    for repeat in range(repeats):
        stock_runs.append(stock_fit(config, data))
        core_runs.append(core_fit(config, data))
        if config.bfloat16:
            float32_runs.append(core_fit(bfloat16.float32_twin(config), data))
        sides = {"stock": stock_runs, "core": core_runs, "core float32": float32_runs}
        print(f"repeat {repeat + 1}/{repeats}: {dense.describe(sides, digits=1)}", flush=True)
    stock_s = statistics.median(run[0] for run in stock_runs)
    core_s = statistics.median(run[0] for run in core_runs)
    core_accuracy = float(np.median([run[1] for run in core_runs]))
    float32_figures = (
        (statistics.median(run[0] for run in float32_runs), float(np.median([run[1] for run in float32_runs])))
        if float32_runs
        else (None, None)
    )
    flops = core_runs[0][2]
    return {
        "benchmark": "cnn",
        "data_source": data.source,
        "quick": quick,
        "train_images": len(data.train_labels),
        "epochs": config.epochs,
        "repeats": repeats,
        "stock_s": round(stock_s, 2),
        "core_s": round(core_s, 2),
        "speedup": round(stock_s / core_s, 2),
        "stock_test_accuracy": round(float(np.median([run[1] for run in stock_runs])), 4),
        "core_test_accuracy": round(core_accuracy, 4),
        **bfloat16.fields(config.bfloat16, core_s, core_accuracy, *float32_figures),
        "training_tflops": round(flops / 1e12, 2),
        "gflops_per_s": round(flops / core_s / 1e9, 1),
    }
