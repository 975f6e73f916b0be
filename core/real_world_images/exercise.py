"""Week 4's graded exercise, "Happy or sad": the course's network learns 80 faces to 99.9%.

The course gives 80 face images at 150×150 in two folders, `happy/` and `sad/`, and asks for a
network that a callback stops once training accuracy reaches 0.999, within 15 epochs. Its archive
is downloaded through the same checked path as horse-or-human; offline, the app draws its own
clearly labelled faces with Pillow (40 smiling, 40 frowning, at varied positions, sizes and
colours), so the exercise works anywhere and the tests have real images to train on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from core.base import exercises, language
from core.data import image_folders
from core.engine import training
from core.real_world_images import network

EXERCISE = exercises.assignment("week4_happy_or_sad", 4, "real_world_images")
URL = "https://storage.googleapis.com/learning-datasets/happy-or-sad.zip"
EPOCHS = 15
TARGET = 0.999
STOPS_AT = (0.999, 1.0)
KEEPS_GOING_AT = (0.99, 0.998)
CLASSES = ("happy", "sad")


def draw_faces(destination: Path, per_class: int = 40, size: int = 150, seed: int = 0) -> image_folders.ImageFolder:
    """`happy/` and `sad/` folders of drawn faces: a coloured disc with two eyes and a mouth that
    curves up (a smile) or down (a frown), at varied places, sizes and colours on varied
    backgrounds. The same seed always draws the same faces."""
    rng = np.random.default_rng(seed)
    destination = Path(destination)
    for mood in CLASSES:
        folder = destination / mood
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(per_class):
            _draw_face(mood == "happy", size, rng).save(folder / f"{mood}_{number:02d}.png")
    return image_folders.scan_folder(destination)


def _draw_face(happy: bool, size: int, rng: np.random.Generator) -> Image.Image:
    background = tuple(int(v) for v in rng.integers(150, 256, 3))
    skin = tuple(int(v) for v in rng.integers(60, 230, 3))
    ink = tuple(int(v) for v in rng.integers(0, 60, 3))
    picture = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(picture)
    radius = rng.uniform(0.25, 0.42) * size
    cx, cy = rng.uniform(radius, size - radius, 2)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=skin, outline=ink, width=2)
    eye = max(2.0, radius * 0.12)
    for side in (-1, 1):
        ex, ey = cx + side * radius * 0.38, cy - radius * 0.3
        draw.ellipse((ex - eye, ey - eye, ex + eye, ey + eye), fill=ink)
    width = radius * rng.uniform(0.45, 0.65)
    top = cy + radius * (0.15 if happy else 0.35)
    box = (cx - width, top - radius * 0.3, cx + width, top + radius * 0.3)
    thickness = max(2, int(radius * 0.08))
    if happy:  # the lower half of an ellipse: a smile
        draw.arc(box, 20, 160, fill=ink, width=thickness)
    else:  # the upper half: a frown
        draw.arc((box[0], box[1] + radius * 0.3, box[2], box[3] + radius * 0.3), 200, 340, fill=ink, width=thickness)
    return picture


def check_faces(folder: image_folders.ImageFolder) -> None:
    """Refuses folders that are not the exercise's two classes (the course's archive unpacks to them)."""
    if tuple(name.lower() for name in folder.class_names) != CLASSES:
        raise language.LearnerError("real_world_images.exercise.wrong_folders")


def exercise_config(
    conv_blocks: int, learning_rate: float, epochs: int, callback: exercises.CallbackRule, batch_size: int = 8
) -> network.RealWorldConfig:
    """Lesson 4's network at 150×150, trained on every face (the exercise holds none out), in
    float32 on every processor: a grade does not depend on the machine that trained it."""
    return network.RealWorldConfig(
        image_size=150,
        conv_blocks=conv_blocks,
        learning_rate=learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=0.0,
        stop=callback.stop_rule,
        bfloat16=False,
    )


def grade_happy_or_sad(
    config: network.RealWorldConfig, callback: exercises.CallbackRule, history: training.TrainingHistory
) -> exercises.Grade:
    model = network.make_model(config, 2)  # the model the app built from these settings
    output = model.layers[-1]
    sigmoid = getattr(output, "units", 0) == 1 and output.activation.__name__ == "sigmoid"
    checks = [
        exercises.input_shape_check(model, (150, 150, 3)),
        exercises.has_layer_check(model, "Conv2D", "Photos of faces need convolutions."),
        exercises.has_layer_check(model, "MaxPooling2D", "Each convolution is followed by pooling in the course."),
        exercises.Check(
            "one sigmoid output, binary cross-entropy",
            sigmoid,
            f"Dense({getattr(output, 'units', '?')}, {output.activation.__name__})",
            "" if sigmoid else "Two classes take one sigmoid output.",
        ),
        exercises.epochs_check(config.epochs, EPOCHS),
        *exercises.callback_checks(callback, STOPS_AT, KEEPS_GOING_AT),
        exercises.stopped_early_check(history, EPOCHS),
        exercises.accuracy_check(history, TARGET),
    ]
    settings: dict[str, object] = {
        "conv_blocks": config.conv_blocks,
        "learning_rate": config.learning_rate,
        "batch_size": config.batch_size,
        "epochs": config.epochs,
        "callback": str(callback),
    }
    return exercises.grade(EXERCISE, checks, settings)
