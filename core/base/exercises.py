"""The course's graded exercises: a task, a pass criterion, and the grader's checks.

Each week of the course ends with an assignment that a grader checks twice: the model (its input
shape, its layers, the optimizer, the loss, the epochs set) and the result (a prediction, an
accuracy reached, a callback that fired in time). Here the learner chooses settings with widgets,
the app builds and trains the model, and the same checks grade it. No learner code is ever run.

The exercises themselves live in their lessons (`hello_world.exercise`, ...); what every one of
them shares lives here: a check with its measured value and a hint, the callback rule and its
checks, the grade, and the certificate a learner downloads.
"""

from __future__ import annotations

import datetime
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.base.history import COMPARE, StopAtTarget, TrainingHistory


@dataclass(frozen=True)
class Check:
    """One of the grader's checks: what it checks, whether it passed, what was measured, and what
    to try when it failed (never the answer)."""

    name: str
    passed: bool
    measured: str
    hint: str = ""


@dataclass(frozen=True)
class Exercise:
    """A week's assignment: its task and the criterion it passes on, in the course's words."""

    key: str  # e.g. "week2_stop_at_98"
    week: int
    title: str
    task: str
    criterion: str


@dataclass(frozen=True)
class Grade:
    """The grader's verdict on one attempt: every check, the settings it was trained with, and when."""

    exercise: Exercise
    checks: tuple[Check, ...]
    settings: dict[str, object] = field(default_factory=dict)
    graded_at: str = ""  # ISO date and time
    data: str = ""  # what it was trained and graded on, e.g. "MNIST"; empty where a week has one data set

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def measured(self) -> dict[str, str]:
        return {check.name: check.measured for check in self.checks}


def grade(exercise: Exercise, checks: Iterable[Check], settings: dict[str, object], data: str = "") -> Grade:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return Grade(exercise, tuple(checks), dict(settings), now.isoformat(), data)


COMPARISONS = (">=", ">")


@dataclass(frozen=True)
class CallbackRule:
    """The learner's callback, as the course writes it in `on_epoch_end`: stop training once
    `logs[metric] >= target` (or `>`). The grader calls it with chosen logs, as here."""

    metric: str = "accuracy"  # "accuracy" or "loss"
    comparison: str = ">="
    target: float = 0.98

    def __post_init__(self) -> None:
        if self.metric not in ("accuracy", "loss"):
            raise ValueError("The callback watches 'accuracy' or 'loss'.")
        if self.comparison not in COMPARISONS:
            raise ValueError(f"The callback compares with one of {', '.join(COMPARISONS)}.")
        if not math.isfinite(self.target):
            raise ValueError("The callback's target must be a number.")

    def __str__(self) -> str:
        return f"{self.metric} {self.comparison} {self.target:g}"

    def stops(self, logs: dict[str, float]) -> bool:
        """What the callback does at the end of an epoch with these logs: a metric the logs lack
        never stops it (the course's `logs.get(...)` is None). It compares as the learner wrote it,
        with the stopping rules' own comparisons."""
        value = logs.get(self.metric)
        return value is not None and bool(COMPARE[self.comparison](value, self.target))

    @property
    def stop_rule(self) -> StopAtTarget | None:
        """The shared trainer's stopping rule that behaves as this callback. None for a rule that
        watches the loss: it stops once the loss is at least the target, which no exercise asks for
        and the trainer's loss rule (loss ≤ target) does not do."""
        if self.metric == "accuracy":
            return StopAtTarget("accuracy", self.target, strict=self.comparison == ">")
        return None


def callback_checks(rule: CallbackRule, stops_at: Sequence[float], keeps_going_at: Sequence[float]) -> list[Check]:
    """The grader's test of the callback alone: called with `{"accuracy": value}` it must stop
    at every value of `stops_at` and at none of `keeps_going_at`."""
    checks = []
    for value in stops_at:
        stopped = rule.stops({"accuracy": value})
        checks.append(
            Check(
                f"callback stops at accuracy {value:g}",
                stopped,
                "stopped" if stopped else "kept training",
                "" if stopped else _stop_hint(rule, value),
            )
        )
    for value in keeps_going_at:
        stopped = rule.stops({"accuracy": value})
        checks.append(
            Check(
                f"callback keeps training at accuracy {value:g}",
                not stopped,
                "stopped" if stopped else "kept training",
                "Stopping here ends training before the model is good enough: is the target the task's?"
                if stopped
                else "",
            )
        )
    return checks


def _stop_hint(rule: CallbackRule, value: float) -> str:
    if rule.metric != "accuracy":
        return "The task's target is an accuracy; which value of the logs does your callback read?"
    if rule.comparison == ">" and value == rule.target:
        return "At exactly the target it must stop too: how does your callback compare?"
    return "It must stop once accuracy reaches the task's target: look at the number it compares with."


def epochs_check(epochs: int, required: int) -> Check:
    return Check(
        f"epochs set to {required}",
        epochs == required,
        f"{epochs}",
        "" if epochs == required else "The task fixes the epochs; the callback, not the epoch count, ends it early.",
    )


def scaled_pixels_check(scaled: bool) -> Check:
    return Check(
        "pixels scaled to 0..1",
        scaled,
        "0..1" if scaled else "0..255",
        "" if scaled else "The task gives the pixels in a particular range: which?",
    )


def stopped_early_check(history: TrainingHistory, epochs: int) -> Check:
    """The callback fired before the last epoch: training ended early, by the callback."""
    fired = history.stopped_at_target is not None and history.epochs_run < epochs
    # Measured against the attempt's own epochs: a 10-epoch attempt that ran them all "ran 10 of 10".
    ran = f"ran {history.epochs_run} of {history.epochs_planned}"
    measured = f"stopped after epoch {history.epochs_run}" if fired else ran
    return Check(
        f"callback ended training before epoch {epochs}",
        fired,
        measured,
        "" if fired else "The target was not reached in time: what would make the network learn faster?",
    )


def accuracy_check(history: TrainingHistory, target: float) -> Check:
    reached = history.accuracy[-1] if history.accuracy else float("nan")
    passed = bool(history.accuracy) and reached >= target
    return Check(
        f"final training accuracy ≥ {target:g}",
        passed,
        f"{reached:.4f}",
        "" if passed else "Not there yet: more capacity, scaled inputs or another learning rate may help.",
    )


def layer_counts(model) -> dict[str, int]:
    """How many layers of each kind a Keras model has, by class name."""
    counts: dict[str, int] = {}
    for layer in model.layers:
        counts[type(layer).__name__] = counts.get(type(layer).__name__, 0) + 1
    return counts


def input_shape_check(model, expected: tuple[int, ...]) -> Check:
    shape = tuple(model.input_shape[1:])
    return Check(
        f"input shape {expected}",
        shape == expected,
        f"{shape}",
        "" if shape == expected else "The input must match the images as the task gives them.",
    )


def has_layer_check(model, kind: str, hint: str) -> Check:
    count = layer_counts(model).get(kind, 0)
    return Check(f"at least one {kind}", count > 0, f"{count}", "" if count else hint)


def certificate_json(grades: Sequence[Grade], learner: str = "") -> bytes:
    """The learner's record as a small JSON file: every passed exercise, its settings, the
    measured values and the date."""
    record = {
        "course": "Introduction to TensorFlow for AI, ML and DL: graded exercises",
        "learner": learner,
        "exercises": [
            {
                "week": grade.exercise.week,
                "exercise": grade.exercise.title,
                "criterion": grade.exercise.criterion,
                "passed": grade.passed,
                "date": grade.graded_at,
                **({"data": grade.data} if grade.data else {}),
                "settings": {key: _plain(value) for key, value in grade.settings.items()},
                "measured": grade.measured,
            }
            for grade in sorted(grades, key=lambda grade: grade.exercise.week)
        ],
    }
    return json.dumps(record, indent=2).encode()


def certificate_png(grades: Sequence[Grade], learner: str = "") -> bytes:
    """The same record drawn as a picture to keep or print."""
    from PIL import Image, ImageDraw

    rows = sorted(grades, key=lambda grade: grade.exercise.week)
    picture = Image.new("RGB", (900, 170 + 70 * max(1, len(rows))), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((8, 8, picture.width - 9, picture.height - 9), outline=(30, 90, 160), width=4)
    draw.text((40, 30), "TensorFlow first steps: graded exercises", fill=(20, 20, 20), font_size=30)
    if learner:
        draw.text((40, 75), learner[:60], fill=(60, 60, 60), font_size=20)
    for index, grade in enumerate(rows):
        top = 120 + 70 * index
        mark = "passed" if grade.passed else "not passed"
        draw.text(
            (40, top), f"Week {grade.exercise.week} · {grade.exercise.title}: {mark}", fill=(0, 0, 0), font_size=22
        )
        measured = "; ".join(f"{name}: {value}" for name, value in list(grade.measured.items())[-2:])
        draw.text((60, top + 30), f"{grade.graded_at[:10]} · {measured}"[:110], fill=(80, 80, 80), font_size=16)
        if grade.data:
            draw.text((60, top + 50), f"trained on {grade.data}"[:110], fill=(80, 80, 80), font_size=14)
    if not rows:
        draw.text((40, 120), "No exercise passed yet.", fill=(80, 80, 80), font_size=22)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _plain(value: object) -> object:
    """Settings as JSON can hold them."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)
