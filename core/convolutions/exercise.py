"""Week 3's graded exercise, "Convolutions to 99.5%": the course's CNN on MNIST, stopped by the
callback once accuracy reaches 99.5%.

The model is Lesson 3's CNN (`cnn`), trained on MNIST by the same job as every lesson's training.
The grader checks the structure (at least one Conv2D and one MaxPooling2D, input (28, 28, 1)),
the epochs set, the callback alone (it stops at 0.995, 0.996 and 0.999, not at 0.99 or 0.994),
and that training ended early at 99.5% or more.
"""

from __future__ import annotations

from core.base import exercises, language
from core.convolutions import cnn
from core.engine import training

# The exercise's words, in English: the panel says them in the learner's language by their keys
# (`convolutions.exercise.*`); the record and the certificate keep the English.
ENGLISH = language.words(language.DEFAULT)
EXERCISE = exercises.assignment("week3_convolutions", 3, "convolutions")
EPOCHS = 10
TARGET = 0.995
STOPS_AT = (0.995, 0.996, 0.999)
KEEPS_GOING_AT = (0.99, 0.994)
# Offline, the exercise trains on `mnist.load_stand_in_digits()`. Measured there with the
# exercise's seed (tests/core/base/test_exercises.py keeps the pass and the fail true).
STAND_IN_NOTE = ENGLISH("convolutions.exercise.stand_in_note")  # the page shows `convolutions.exercise.stand_in_note`


def grade_convolutions(
    config: cnn.CnnConfig, callback: exercises.CallbackRule, history: training.TrainingHistory, data: str = ""
) -> exercises.Grade:
    """The grader's checks on the model the settings build and on the training; `data` names what
    it was trained on (MNIST or the stand-in), for the record."""
    model = cnn.make_model(config)  # the model the app built from these settings
    checks = [
        exercises.input_shape_check(model, (28, 28, 1)),
        exercises.has_layer_check(model, "Conv2D", ENGLISH("convolutions.exercise.hints.conv2d")),
        exercises.has_layer_check(model, "MaxPooling2D", ENGLISH("convolutions.exercise.hints.max_pooling")),
        exercises.scaled_pixels_check(config.scale_pixels),
        exercises.epochs_check(config.epochs, EPOCHS),
        *exercises.callback_checks(callback, STOPS_AT, KEEPS_GOING_AT),
        exercises.stopped_early_check(history, EPOCHS),
        exercises.accuracy_check(history, TARGET),
    ]
    settings: dict[str, object] = {
        name: getattr(config, name)
        for name in ("conv_blocks", "filters", "kernel_size", "pooling", "dense_units", "optimizer", "learning_rate")
    }
    settings.update(epochs=config.epochs, scale_pixels=config.scale_pixels, callback=str(callback))
    return exercises.grade(EXERCISE, checks, settings, data)
