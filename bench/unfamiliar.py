"""Lesson 4: how often "unlike anything the network trained on" fires, on held-out and on real photos.

Trains the course's network on the horse-or-human training set in HORSE_OR_HUMAN_DIR (150×150,
15 epochs, 20% held out, as the page's defaults), then measures the flag of
`core.real_world_images.familiarity` two ways:

- on the held-out photos of the same source: each half is judged against the threshold the other
  half sets, so no photo is judged by a threshold it helped set (target: at most 5% flagged);
- on real photos: the photos scikit-image ships (people: `astronaut`, `camera`; and a cat, a
  coffee cup, a rocket, a motorcycle, coins, the moon, ...), and its 100 small photos of real
  faces (`lfw_subset`), all squashed to 150×150 as an upload is (target: most flagged).

It also measures, for comparison, the measure that was not chosen (the penultimate layer alone)
and how confident the network was about the real photos: the failure the flag is there to name.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from core.data import image_folders, uploads
from core.engine import familiarity as measure
from core.engine import image_classifier, training
from core.real_world_images import network, photos

REAL_PHOTOS = (
    "astronaut",
    "camera",
    "chelsea",
    "coffee",
    "rocket",
    "motorcycle_left",
    "hubble_deep_field",
    "coins",
    "moon",
    "page",
    "retina",
    "grass",
    "gravel",
    "brick",
    "ihc",
    "text",
    "clock_motion",
    "cell",
    "microaneurysms",
)
FACES = 100


def real_photos(size: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """scikit-image's bundled photos, read through the guarded decoder and squashed like an upload."""
    import skimage

    folder = Path(skimage.__file__).parent / "data"
    pictures = [
        uploads.squashed(uploads.photo_from_upload(next(folder.glob(f"{name}.*")).read_bytes()), size)
        for name in REAL_PHOTOS
    ]
    return np.stack(pictures), REAL_PHOTOS


def real_faces(size: int, count: int = FACES) -> np.ndarray:
    """The first photos of scikit-image's `lfw_subset` (25×25 grey crops of real faces, from
    Labeled Faces in the Wild), as RGB squashed to `size` like an upload."""
    import skimage

    faces = np.load(Path(skimage.__file__).parent / "data" / "lfw_subset.npy")[:count]
    grey = np.round(faces * 255).astype(np.uint8)
    return np.stack([uploads.squashed(np.repeat(face[..., None], 3, axis=-1), size) for face in grey])


def penultimate_rates(model, train_images, held_out_images, other_images, seed: int = 0) -> dict[str, float]:
    """The measure that was not chosen, judged the same way: the penultimate layer alone."""
    import keras

    probe = keras.Model(model.inputs[0], model.layers[-1].input)

    def unit(images: np.ndarray) -> np.ndarray:
        vectors = np.concatenate(
            [np.asarray(probe(images[i : i + 64].astype(np.float32) / 255)) for i in range(0, len(images), 64)]
        )
        return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-8)

    known = unit(train_images)
    held = measure.cosine_distances(unit(held_out_images), known).min(axis=1)
    others = measure.cosine_distances(unit(other_images), known).min(axis=1)
    rates = measure.flag_rates(held, others, seed)
    return {"held_out": round(rates.held_out, 3), "real": round(rates.others, 3)}


def run(repeats: int = 1) -> dict:
    root = Path(os.environ.get("HORSE_OR_HUMAN_DIR", "../shared/datasets/horse-or-human"))
    config = network.RealWorldConfig()
    decoded = photos.load_images(image_folders.scan_folder(root), config.image_size)
    split = network.split_photos(config, decoded.images, decoded.labels)
    model = network.make_model(config)
    started = time.perf_counter()
    history = network.make_trainer(config, model, split).run(training.TrainingHistory(config.epochs))
    train_s = time.perf_counter() - started

    pictures, names = real_photos(config.image_size)
    faces = real_faces(config.image_size)
    held_out = split.validation.images
    started = time.perf_counter()
    on_photos = measure.check_flag(model, split.train_images, held_out, pictures, config.input_scale)
    measure_s = time.perf_counter() - started
    on_faces = measure.check_flag(model, split.train_images, held_out, faces, config.input_scale)
    confidence = image_classifier.predict_probabilities(model, np.concatenate([pictures, faces])).max(axis=1)
    said_humans = image_classifier.predict_probabilities(model, faces).argmax(axis=1) == 1
    return {
        "benchmark": "unfamiliar",
        "epochs": config.epochs,
        "train_s": round(train_s, 1),
        "val_accuracy": round(history.val_accuracy[-1], 4),
        "held_out_photos": on_photos.held_out_count,
        "held_out_flagged": round(on_photos.held_out, 3),
        "real_photos": on_photos.others_count,
        "real_photos_flagged": round(on_photos.others, 3),
        "real_faces": on_faces.others_count,
        "real_faces_flagged": round(on_faces.others, 3),
        "real_faces_called_humans": round(float(np.mean(said_humans)), 3),
        "real_answers_over_99_percent_sure": round(float(np.mean(confidence > 0.99)), 3),
        "penultimate_only": {
            "photos": penultimate_rates(model, split.train_images, held_out, pictures),
            "faces": penultimate_rates(model, split.train_images, held_out, faces),
        },
        "measure_s": round(measure_s, 2),
        "photos": list(names),
    }
