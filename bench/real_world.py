"""Lesson 4: the course's horse-or-human input pipeline against the core one, on the real photos.

Reads the folder in HORSE_OR_HUMAN_DIR (the real training set: 500 horses, 527 humans). The
course's pipeline is `ImageDataGenerator(rescale=1/255).flow_from_directory(..., batch_size=128)`,
which decodes and resizes every PNG again on every epoch; the core pipeline decodes each photo
once into uint8 arrays and trains through the shared compiled trainer. Both train the same
model (five Conv2D blocks, Dense(512), sigmoid; RMSprop 0.001) at 150×150 on all 1,027 images
per epoch; times per epoch are medians over the epochs after the first (which compiles).
Then the targets run: 15 epochs with 20% held out for validation, and the time to classify one
photo (`predict_ms`, median of 20).

Stock `fit` builds the model in float32, as the course writes it. The core pipeline uses the
lesson's default config, whose `bfloat16` setting says which precision it trains in; where that
is bfloat16, the same per-epoch timing and the same 15-epoch training run again in float32 (`bench.bfloat16`):
the gain is per epoch, the accuracy difference is of the validation accuracy after the last
epoch. `--quick` (a smoke test, not figures to report) times 2 epochs and trains 3.
"""

from __future__ import annotations

import dataclasses
import math
import os
import statistics
import time
from pathlib import Path

import numpy as np

from bench import bfloat16
from core.data import image_folders
from core.engine import image_classifier, training
from core.real_world_images import network, photos

EPOCHS_TIMED = 3
QUICK_EPOCHS_TIMED, QUICK_EPOCHS = 2, 3


class EpochTimer:
    """Keras callback recording each epoch's wall time."""

    def __init__(self) -> None:
        import keras

        class _Timer(keras.callbacks.Callback):
            def on_epoch_begin(inner, epoch, logs=None):  # noqa: N805 - Keras calls it on the callback
                inner.started = time.perf_counter()

            def on_epoch_end(inner, epoch, logs=None):  # noqa: N805
                self.times.append(time.perf_counter() - inner.started)

        self.times: list[float] = []
        self.callback = _Timer()


def stock_epochs(root: Path, config: network.RealWorldConfig, count: int) -> list[float]:
    """The course's code: ImageDataGenerator + flow_from_directory, batch 128, in float32."""
    import tensorflow as tf

    config = bfloat16.float32_twin(config)
    generator = tf.keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        str(root), target_size=(config.image_size, config.image_size), batch_size=128, class_mode="binary", seed=0
    )
    model = network.make_model(config)
    model.compile(
        optimizer=training.make_optimizer("rmsprop", config.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    timer = EpochTimer()
    model.fit(
        generator,
        epochs=count,
        steps_per_epoch=math.ceil(generator.samples / 128),
        verbose=0,
        callbacks=[timer.callback],
    )
    return timer.times


def core_epochs(images: np.ndarray, labels: np.ndarray, config: network.RealWorldConfig, count: int) -> list[float]:
    model = network.make_model(config)
    all_images = dataclasses.replace(config, validation_split=0.0, batch_size=128)
    trainer = network.make_trainer(all_images, model, network.split_photos(all_images, images, labels))
    history = training.TrainingHistory(epochs_planned=0)
    times = []
    for epoch in range(1, count + 1):
        history.epochs_planned = epoch
        started = time.perf_counter()
        trainer.run(history)
        times.append(time.perf_counter() - started)
    return times


def train(images: np.ndarray, labels: np.ndarray, config: network.RealWorldConfig):
    """The lesson's training at `config` (20% held out). Returns (model, history, seconds)."""
    model = network.make_model(config)
    trainer = network.make_trainer(config, model, network.split_photos(config, images, labels))
    started = time.perf_counter()
    history = trainer.run(training.TrainingHistory(epochs_planned=config.epochs))
    return model, history, time.perf_counter() - started


def run(quick: bool = False) -> dict:
    root = Path(os.environ.get("HORSE_OR_HUMAN_DIR", "../shared/datasets/horse-or-human"))
    folder = image_folders.scan_folder(root)
    config = network.RealWorldConfig()
    epochs_timed = QUICK_EPOCHS_TIMED if quick else EPOCHS_TIMED
    if quick:
        config = dataclasses.replace(config, epochs=QUICK_EPOCHS)

    stock_times = stock_epochs(root, config, epochs_timed)
    started = time.perf_counter()
    decoded = photos.load_images(folder, config.image_size)
    images, labels = decoded.images, decoded.labels
    decode_s = time.perf_counter() - started
    core_times = core_epochs(images, labels, config, epochs_timed)
    float32_times = core_epochs(images, labels, bfloat16.float32_twin(config), epochs_timed) if config.bfloat16 else []
    print(
        f"per epoch: stock {[round(t, 1) for t in stock_times]}, core {[round(t, 1) for t in core_times]}"
        + (f", core float32 {[round(t, 1) for t in float32_times]}" if float32_times else ""),
        flush=True,
    )

    model, history, train_s = train(images, labels, config)
    predict_times = []
    for index in range(21):
        started = time.perf_counter()
        image_classifier.classify(model, images[index], config.input_scale)
        predict_times.append(time.perf_counter() - started)
    stock_s = statistics.median(stock_times[1:])
    core_s = statistics.median(core_times[1:])
    if not config.bfloat16:
        precision_figures = bfloat16.fields(False, core_s, history.val_accuracy[-1])
    else:
        _, float32_history, float32_train_s = train(images, labels, bfloat16.float32_twin(config))
        print(
            f"{config.epochs} epochs: {train_s:.1f} s (val acc {history.val_accuracy[-1]:.4f}), "
            f"float32 {float32_train_s:.1f} s (val acc {float32_history.val_accuracy[-1]:.4f})",
            flush=True,
        )
        float32_s = statistics.median(float32_times[1:])
        precision_figures = {
            **bfloat16.fields(True, core_s, history.val_accuracy[-1], float32_s, float32_history.val_accuracy[-1]),
            "float32_train_s": round(float32_train_s, 1),
            "float32_val_accuracies": [round(value, 4) for value in float32_history.val_accuracy],
        }
    return {
        "benchmark": "real_world",
        "quick": quick,
        "images": len(labels),
        "classes": list(folder.class_names),
        "image_size": config.image_size,
        "stock_s_per_epoch": round(stock_s, 2),
        "core_s_per_epoch": round(core_s, 2),
        "speedup": round(stock_s / core_s, 2),
        "core_decode_once_s": round(decode_s, 2),
        "epochs": config.epochs,
        "train_s": round(train_s, 1),
        "train_accuracy": round(history.accuracy[-1], 4),
        "val_accuracy": round(history.val_accuracy[-1], 4),
        "val_accuracies": [round(value, 4) for value in history.val_accuracy],
        **precision_figures,
        "predict_ms": round(statistics.median(predict_times[1:]) * 1000, 1),
    }
