"""Lesson 4: how much the last epoch's validation accuracy depends on luck, on horse-or-human.

Trains the course's network at the page's defaults (150×150, five blocks, RMSprop 0.001, 15
epochs, batch 32, 20% held out) three times, with seeds 0, 1 and 2 (the seed draws the split, the
initial weights and the batch order), and reports for each the final validation accuracy, the
best epoch, and the spread of the last five epochs. TensorFlow's intra-op threads are fixed when
it starts, so run it once per thread count: `TF_NUM_INTRAOP_THREADS=2 python3 -m bench
validation_spread`. Reads the folder in HORSE_OR_HUMAN_DIR.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.data import image_folders
from core.engine import training
from core.real_world_images import network, photos

SEEDS = (0, 1, 2)


def measure(photos_for_seed: Callable[[int], tuple[np.ndarray, np.ndarray]], seeds=SEEDS) -> dict:
    """Trains the page's defaults once per seed on `photos_for_seed(seed)` and reports each run."""
    runs = []
    for seed in seeds:
        images, labels = photos_for_seed(seed)
        config = network.RealWorldConfig(seed=seed)
        setup = network.build_training(config, network.Photos(images, labels, 2))
        started = time.perf_counter()
        history = setup.trainer.run(training.TrainingHistory(epochs_planned=config.epochs))
        train_s = time.perf_counter() - started
        spread = network.validation_spread(history)
        assert spread is not None
        runs.append(
            {
                "seed": seed,
                "train_s": round(train_s, 1),
                "train_accuracy": round(history.accuracy[-1], 4),
                "val_accuracy": round(history.val_accuracy[-1], 4),
                "best_epoch": spread.best_epoch,
                "best_val_accuracy": round(spread.best_accuracy, 4),
                "last_five_low": round(spread.low, 4),
                "last_five_high": round(spread.high, 4),
                "diagnosis": network.diagnose(history).learning.value,
                "val_curve": [round(value, 3) for value in history.val_accuracy],
            }
        )
        print(runs[-1], flush=True)
    finals = [run["val_accuracy"] for run in runs]
    return {
        "images": int(len(labels)),
        "threads": int(os.environ.get("TF_NUM_INTRAOP_THREADS", "0")),  # core sets it before TensorFlow starts
        "bfloat16_cpu": native_bfloat16(),
        "seeds": list(seeds),
        "val_accuracy_min": min(finals),
        "val_accuracy_median": statistics.median(finals),
        "val_accuracy_max": max(finals),
        "train_s_median": statistics.median(run["train_s"] for run in runs),
        "runs": runs,
    }


def native_bfloat16() -> bool:
    """Whether this processor has bfloat16 instructions (the timings differ between the two kinds)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def run(repeats: int = 1) -> dict:
    root = Path(os.environ.get("HORSE_OR_HUMAN_DIR", "../shared/datasets/horse-or-human"))
    decoded = photos.load_images(image_folders.scan_folder(root), 150)
    return {"benchmark": "validation_spread", **measure(lambda seed: (decoded.images, decoded.labels))}
