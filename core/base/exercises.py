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

import dataclasses
import datetime
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.base import language
from core.base.history import COMPARE, StopAtTarget, TrainingHistory


@dataclass(frozen=True)
class Check:
    """One of the grader's checks: what it checks, whether it passed, what was measured, and what
    to try when it failed (never the answer)."""

    name: str
    passed: bool
    measured: str
    hint: str = ""
    # The same three in the learner's language, where the check was written with messages; the
    # English above is what records and certificates keep (`said`).
    name_said: language.Message | None = None
    measured_said: language.Message | None = None
    hint_said: language.Message | None = None

    def said(self, words: language.Words) -> tuple[str, str, str]:
        """The check's name, measured value and hint in `words`' language."""
        return (
            words.say(self.name_said) if self.name_said is not None else self.name,
            words.say(self.measured_said) if self.measured_said is not None else self.measured,
            words.say(self.hint_said) if self.hint_said is not None else self.hint,
        )


def said_check(
    name: language.Message, passed: bool, measured: str | language.Message, hint: language.Message | None = None
) -> Check:
    """A check written with messages: its English kept as text, its words said in any language."""
    measured_said = measured if isinstance(measured, language.Message) else None
    return Check(str(name), passed, str(measured), str(hint) if hint else "", name, measured_said, hint)


def _said(key: str, **values: object) -> language.Message:
    return language.Message(f"base.messages.exercises.{key}", values)


@dataclass(frozen=True)
class Exercise:
    """A week's assignment: its task and the criterion it passes on, in the course's words."""

    key: str  # e.g. "week2_stop_at_98"
    week: int
    title: str
    task: str
    criterion: str


def assignment(key: str, week: int, lesson_key: str) -> Exercise:
    """A week's assignment, its words read from its lesson's catalogue (`<lesson>.exercise.title`,
    `task`, `criterion`) in English, as records and certificates keep them; `exercise_text` says
    them in the learner's language. Every lesson's exercise is made here, once."""
    english = _english()
    texts = {field: english(f"{lesson_key}.exercise.{field}") for field in ("title", "task", "criterion")}
    return Exercise(key=key, week=week, **texts)


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
            raise language.LearnerError("base.messages.exercises.callback_metric")
        if self.comparison not in COMPARISONS:
            raise language.LearnerError(
                "base.messages.exercises.callback_comparison", comparisons=", ".join(COMPARISONS)
            )
        if not math.isfinite(self.target):
            raise language.LearnerError("base.messages.exercises.callback_target")

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
            said_check(
                _said("checks.stops_at", value=f"{value:g}"),
                stopped,
                _said("measured.stopped" if stopped else "measured.kept_training"),
                None if stopped else _stop_hint(rule, value),
            )
        )
    for value in keeps_going_at:
        stopped = rule.stops({"accuracy": value})
        checks.append(
            said_check(
                _said("checks.keeps_training_at", value=f"{value:g}"),
                not stopped,
                _said("measured.stopped" if stopped else "measured.kept_training"),
                _said("hints.stops_too_early") if stopped else None,
            )
        )
    return checks


def _stop_hint(rule: CallbackRule, value: float) -> language.Message:
    if rule.metric != "accuracy":
        return _said("hints.reads_wrong_log")
    if rule.comparison == ">" and value == rule.target:
        return _said("hints.exactly_target")
    return _said("hints.must_stop")


def epochs_check(epochs: int, required: int) -> Check:
    return said_check(
        _said("checks.epochs_set", required=required),
        epochs == required,
        f"{epochs}",
        None if epochs == required else _said("hints.epochs_fixed"),
    )


def scaled_pixels_check(scaled: bool) -> Check:
    return said_check(
        _said("checks.pixels_scaled"),
        scaled,
        "0..1" if scaled else "0..255",
        None if scaled else _said("hints.pixel_range"),
    )


def stopped_early_check(history: TrainingHistory, epochs: int) -> Check:
    """The callback fired before the last epoch: training ended early, by the callback."""
    fired = history.stopped_at_target is not None and history.epochs_run < epochs
    # Measured against the attempt's own epochs: a 10-epoch attempt that ran them all "ran 10 of 10".
    ran = _said("measured.ran", epochs_run=history.epochs_run, epochs_planned=history.epochs_planned)
    measured = _said("measured.stopped_after", epochs_run=history.epochs_run) if fired else ran
    return said_check(
        _said("checks.ended_early", required=epochs),
        fired,
        measured,
        None if fired else _said("hints.too_slow"),
    )


def accuracy_check(history: TrainingHistory, target: float) -> Check:
    reached = history.accuracy[-1] if history.accuracy else float("nan")
    passed = bool(history.accuracy) and reached >= target
    return said_check(
        _said("checks.final_accuracy", target=f"{target:g}"),
        passed,
        f"{reached:.4f}",
        None if passed else _said("hints.not_there_yet"),
    )


def layer_counts(model) -> dict[str, int]:
    """How many layers of each kind a Keras model has, by class name."""
    counts: dict[str, int] = {}
    for layer in model.layers:
        counts[type(layer).__name__] = counts.get(type(layer).__name__, 0) + 1
    return counts


def input_shape_check(model, expected: tuple[int, ...]) -> Check:
    shape = tuple(model.input_shape[1:])
    return said_check(
        _said("checks.input_shape", expected=f"{expected}"),
        shape == expected,
        f"{shape}",
        None if shape == expected else _said("hints.input_shape"),
    )


def has_layer_check(model, kind: str, hint: str | language.Message) -> Check:
    """At least one layer of `kind`; `hint` is the lesson's (a message is said in the learner's language)."""
    count = layer_counts(model).get(kind, 0)
    hint_said = hint if isinstance(hint, language.Message) else None
    check = said_check(_said("checks.has_layer", kind=kind), count > 0, f"{count}", None if count else hint_said)
    if not count and not isinstance(hint, language.Message):
        check = dataclasses.replace(check, hint=hint)
    return check


def _english() -> language.Words:
    return language.words(language.DEFAULT)


# The data sets a grade names by their English (`core.data.mnist.data_name`), said in any language.
DATA_NAMES = {"stand-in digits from scikit-learn, not MNIST": "data.mnist.stand_in_name"}


def data_name(data: str, words: language.Words) -> str:
    """What an attempt was trained and graded on, in `words`' language (a data set's own name as it is)."""
    return words(DATA_NAMES[data]) if data in DATA_NAMES else data


def exercise_text(exercise: Exercise, field: str, words: language.Words) -> str:
    """An exercise's title, task or criterion in `words`' language: its lesson's catalogue entry
    (`<lesson>.exercise.<field>`, the lesson whose number is the exercise's week), else its own."""
    from core.base import course  # the registry, read only when a text is said

    for lesson in course.LESSONS:
        key = f"{lesson.key}.exercise.{field}"
        if lesson.number == exercise.week and key in words.entries:
            return words(key)
    return getattr(exercise, field)


def certificate_json(grades: Sequence[Grade], learner: str = "", *, words: language.Words | None = None) -> bytes:
    """The learner's record as a small JSON file: every passed exercise, its settings, the
    measured values and the date; its texts in `words`' language (English when none are given),
    its keys and settings as the code names them."""
    words = words or _english()
    record = {
        "course": words("base.messages.exercises.certificate.course"),
        "learner": learner,
        "exercises": [
            {
                "week": grade.exercise.week,
                "exercise": exercise_text(grade.exercise, "title", words),
                "criterion": exercise_text(grade.exercise, "criterion", words),
                "passed": grade.passed,
                "date": grade.graded_at,
                **({"data": grade.data} if grade.data else {}),
                "settings": {key: _plain(value) for key, value in grade.settings.items()},
                "measured": _measured(grade, words),
            }
            for grade in sorted(grades, key=lambda grade: grade.exercise.week)
        ],
    }
    return json.dumps(record, indent=2, ensure_ascii=False).encode()


def _measured(grade: Grade, words: language.Words) -> dict[str, str]:
    """What each check measured, by the check's name, in `words`' language."""
    return dict(check.said(words)[:2] for check in grade.checks)


# Fonts that draw Korean, where a system has one (Debian's fonts-nanum, fonts-noto-cjk).
HANGUL_FONTS = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


def _hangul_font() -> str | None:
    from pathlib import Path

    return next((font for font in HANGUL_FONTS if Path(font).is_file()), None)


def certificate_png(grades: Sequence[Grade], learner: str = "", *, words: language.Words | None = None) -> bytes:
    """The same record drawn as a picture to keep or print, in `words`' language where this
    system has a font that draws it (Pillow's own font has no Korean), else in English."""
    from PIL import Image, ImageDraw, ImageFont

    words = words or _english()
    font_file = None
    if words.language != language.DEFAULT:
        font_file = _hangul_font()
        if font_file is None:
            words = _english()

    def font(size: int):
        return ImageFont.truetype(font_file, size) if font_file else ImageFont.load_default(size)

    said = "base.messages.exercises.certificate."
    rows = sorted(grades, key=lambda grade: grade.exercise.week)
    picture = Image.new("RGB", (900, 170 + 70 * max(1, len(rows))), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((8, 8, picture.width - 9, picture.height - 9), outline=(30, 90, 160), width=4)
    draw.text((40, 30), words(said + "title"), fill=(20, 20, 20), font=font(30))
    if learner:
        draw.text((40, 75), learner[:60], fill=(60, 60, 60), font=font(20))
    for index, grade in enumerate(rows):
        top = 120 + 70 * index
        mark = words(said + ("passed" if grade.passed else "not_passed"))
        title = exercise_text(grade.exercise, "title", words)
        draw.text(
            (40, top),
            words(said + "row", week=grade.exercise.week, title=title, mark=mark),
            fill=(0, 0, 0),
            font=font(22),
        )
        measured = "; ".join(f"{name}: {value}" for name, value in list(_measured(grade, words).items())[-2:])
        draw.text((60, top + 30), f"{grade.graded_at[:10]} · {measured}"[:110], fill=(80, 80, 80), font=font(16))
        if grade.data:
            trained_on = words(said + "trained_on", data=data_name(grade.data, words))
            draw.text((60, top + 50), trained_on[:110], fill=(80, 80, 80), font=font(14))
    if not rows:
        draw.text((40, 120), words(said + "none_yet"), fill=(80, 80, 80), font=font(22))

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
