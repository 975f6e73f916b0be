"""What a learner takes home from Lesson 4: the trained model and its history."""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras

from core.engine import training


def history_csv(history: training.TrainingHistory) -> str:
    """The run's curves as CSV, one row per epoch."""
    lines = ["epoch,loss,accuracy,val_loss,val_accuracy"]
    for epoch in range(history.epochs_run):
        values = [history.loss[epoch], history.accuracy[epoch]]
        if history.val_loss:
            values += [history.val_loss[epoch], history.val_accuracy[epoch]]
        cells = [f"{value:.6f}" for value in values] + [""] * (4 - len(values))
        lines.append(",".join([str(epoch + 1), *cells]))
    return "\n".join(lines) + "\n"


def model_file(model: keras.Model) -> bytes:
    """The trained model as a `.keras` file to download (never load one a user uploads: that can run code)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()
