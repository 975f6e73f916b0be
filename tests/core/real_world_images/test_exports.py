"""What a learner takes home from Lesson 4: the history as CSV and the model as a `.keras` file."""

from __future__ import annotations

import io
import zipfile

import keras
import numpy as np
import pandas as pd

from core.engine import training
from core.real_world_images import exports


def test_history_csv_has_one_row_per_epoch_with_validation():
    history = training.TrainingHistory(
        3, loss=[0.5, 0.25], accuracy=[0.75, 0.875], val_loss=[0.6, 0.4], val_accuracy=[0.7, 0.8]
    )
    assert exports.history_csv(history) == (
        "epoch,loss,accuracy,val_loss,val_accuracy\n"
        "1,0.500000,0.750000,0.600000,0.700000\n"
        "2,0.250000,0.875000,0.400000,0.800000\n"
    )


def test_history_csv_without_validation_leaves_those_columns_empty():
    history = training.TrainingHistory(2, loss=[0.5, 0.25], accuracy=[0.75, 0.875])
    table = pd.read_csv(io.StringIO(exports.history_csv(history)))
    assert list(table["epoch"]) == [1, 2] and list(table["loss"]) == [0.5, 0.25]
    assert list(table["accuracy"]) == [0.75, 0.875]
    assert table["val_loss"].isna().all() and table["val_accuracy"].isna().all()


def test_exports_of_a_trained_network(tiny_trained, tmp_path):
    csv = exports.history_csv(tiny_trained.history).splitlines()
    assert csv[0] == "epoch,loss,accuracy,val_loss,val_accuracy" and len(csv) == 2
    keras_file = exports.model_file(tiny_trained.model)
    assert zipfile.is_zipfile(io.BytesIO(keras_file))  # a .keras file is a zip archive
    path = tmp_path / "downloaded.keras"
    path.write_bytes(keras_file)
    reloaded = keras.saving.load_model(path)  # our own file, written by the test: safe to load
    photos = tiny_trained.images[:4].astype(np.float32) / 255
    np.testing.assert_allclose(
        np.asarray(reloaded(photos, training=False)), np.asarray(tiny_trained.model(photos, training=False)), atol=1e-6
    )
