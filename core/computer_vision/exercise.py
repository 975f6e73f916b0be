"""Week 2's graded exercise, "Stop at 98%": a dense network on MNIST's handwritten digits, with
the course's callback ending training once accuracy reaches 98%.

The learner chooses the network and its training; the model is Lesson 2's dense network
(`dense_network`), trained on MNIST (`core.data.mnist`) by the same job as every lesson's training.
The grader checks the callback alone (it must stop at 0.98, 0.981 and 0.99, and not at 0.5, 0.97
or 0.979), the epochs set, the model's input, and that training ended early at 98% or more.
"""

from __future__ import annotations

from core.base import exercises, language
from core.computer_vision import dense_network
from core.engine import training

KEY = "week2_stop_at_98"
WEEK = 2
EXERCISE = exercises.assignment(KEY, WEEK, "computer_vision")
EPOCHS = 10
TARGET = 0.98
STOPS_AT = (0.98, 0.981, 0.99)
KEEPS_GOING_AT = (0.5, 0.97, 0.979)


def stand_in_note(*, words: language.Words) -> str:
    """Why 0.98 is harder offline, where the exercise trains on `mnist.load_stand_in_digits()`.
    Its numbers were measured there with the exercise's seed (tests/core/base/test_exercises.py keeps
    the pass and the fail true)."""
    return words("computer_vision.exercise.stand_in_note")


def grade_stop_at_98(
    config: dense_network.DenseNetConfig,
    callback: exercises.CallbackRule,
    history: training.TrainingHistory,
    data: str = "",
    *,
    words: language.Words,
) -> exercises.Grade:
    """The grader's checks on the model the settings build and on the training; `data` names what
    it was trained on (MNIST or the stand-in), for the record. The lesson's own hint is in
    the learner's language; the assignment is kept in English, as records are."""
    model = dense_network.make_model(config)  # the model the app built from these settings
    checks = [
        exercises.input_shape_check(model, (28, 28)),
        exercises.has_layer_check(model, "Dense", words("computer_vision.exercise.dense_hint")),
        exercises.scaled_pixels_check(config.scale_pixels),
        exercises.epochs_check(config.epochs, EPOCHS),
        *exercises.callback_checks(callback, STOPS_AT, KEEPS_GOING_AT),
        exercises.stopped_early_check(history, EPOCHS),
        exercises.accuracy_check(history, TARGET),
    ]
    return exercises.grade(EXERCISE, checks, _settings(config, callback), data)


def _settings(config, callback: exercises.CallbackRule) -> dict[str, object]:
    settings: dict[str, object] = {
        name: getattr(config, name)
        for name in ("hidden_units", "optimizer", "learning_rate", "batch_size", "epochs", "scale_pixels")
        if hasattr(config, name)
    }
    settings["callback"] = str(callback)
    return settings
