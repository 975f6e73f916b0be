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
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.base import language, text
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


def kept_grade(kept: Grade | None, new: Grade) -> Grade:
    """The grade a learner's record keeps for an exercise, `kept` so far and a `new` attempt: a pass
    stays a pass, and the first pass with given settings on given data keeps its date (a later pass
    with other settings replaces it). The session's record and a record read back from the
    database (`core.base.progress`) keep the same one."""
    same = kept is not None and (kept.settings, kept.data) == (new.settings, new.data)
    if kept is not None and kept.passed and (not new.passed or same):
        return kept
    return new


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


def new_certificate_id() -> str:
    """A certificate's id: random, so that it says nothing about the learner, and long enough
    (128 bits) that a teacher who looks one up finds that certificate and no other."""
    return uuid.uuid4().hex


def certificate_json(
    grades: Sequence[Grade],
    learner: str = "",
    *,
    certificate_id: str | None = None,
    words: language.Words | None = None,
) -> bytes:
    """The learner's record as a small JSON document: the certificate's id, the learner's name
    (null where none was given), every passed exercise, its settings, the measured values and the
    date; its texts in `words`' language (English when none are given), its keys and settings as
    the code names them. The JSON and the PNG of one certificate are given the same id."""
    words = words or _english()
    record = {
        "course": words("base.messages.exercises.certificate.course"),
        "certificate_id": certificate_id or new_certificate_id(),
        "learner": text.visible(learner) or None,
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


@dataclass(frozen=True)
class Line:
    """One line of the certificate's picture, before it is wrapped to the picture's width."""

    text: str
    size: int  # the letters' size in pixels
    shade: int  # 0 black to 255 white
    indent: int = 0  # pixels right of the margin
    space_above: int = 0  # pixels between it and the line before


def certificate_lines(grades: Sequence[Grade], learner: str, certificate_id: str, words: language.Words) -> list[Line]:
    """What the certificate's picture says, line by line, in `words`' language: the title, the
    learner (or that no name was given), the certificate's id, then each exercise with its date,
    every measured value whole and what it was trained on."""
    said = "base.messages.exercises.certificate."
    name = text.visible(learner) or words(said + "no_name")
    lines = [
        Line(words(said + "title"), 30, 20),
        Line(words(said + "learner", name=name), 20, 40, space_above=6),
        Line(words(said + "certificate_id", certificate_id=certificate_id), 14, 90),
    ]
    for grade in sorted(grades, key=lambda grade: grade.exercise.week):
        mark = words(said + ("passed" if grade.passed else "not_passed"))
        title = exercise_text(grade.exercise, "title", words)
        row = words(said + "row", week=grade.exercise.week, title=title, mark=mark)
        lines.append(Line(row, 22, 0, space_above=18))
        lines.append(Line(words(said + "graded", date=grade.graded_at[:10]), 16, 80, indent=20))
        for check_name, value in _measured(grade, words).items():
            lines.append(Line(words(said + "measured", name=check_name, value=value), 16, 60, indent=20))
        if grade.data:
            lines.append(Line(words(said + "trained_on", data=data_name(grade.data, words)), 14, 80, indent=20))
    if not grades:
        lines.append(Line(words(said + "none_yet"), 22, 80, space_above=18))
    return lines


@dataclass(frozen=True)
class CertificatePicture:
    """The certificate drawn as a PNG, and what this system's fonts could not do for it."""

    png: bytes
    language: str  # the language it is written in: English where no font here draws the learner's
    undrawn: str  # characters no font here has (a name in another script): boxes in the picture, whole in the JSON


PICTURE_WIDTH = 900  # pixels; the picture grows downwards to hold every line
MARGIN = 40  # pixels between the frame and the text


def draw_certificate(
    grades: Sequence[Grade],
    learner: str = "",
    *,
    certificate_id: str | None = None,
    words: language.Words | None = None,
) -> CertificatePicture:
    """The record drawn as a picture to keep or print, in `words`' language where this system has
    fonts that draw it (else in English), every line wrapped to the width and none cut."""
    from PIL import Image, ImageDraw

    from core.base import fonts

    words = words or _english()
    certificate_id = certificate_id or new_certificate_id()
    unnamed = certificate_lines(grades, "", certificate_id, words)  # the course's words, without the learner's
    if words.language != language.DEFAULT and fonts.chain(16).missing("".join(line.text for line in unnamed)):
        words = _english()
    lines = certificate_lines(grades, learner, certificate_id, words)

    placed = []  # (font, left, baseline, text, shade)
    top = MARGIN - 10
    for line in lines:
        font = fonts.chain(line.size)
        left = MARGIN + line.indent
        top += line.space_above
        for wrapped in fonts.wrap_lines(line.text, font, PICTURE_WIDTH - MARGIN - left):
            placed.append((font, left, top + line.size, wrapped, line.shade))
            top += round(line.size * 1.45)

    picture = Image.new("RGB", (PICTURE_WIDTH, top + MARGIN), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((8, 8, picture.width - 9, picture.height - 9), outline=(30, 90, 160), width=4)
    for font, left, baseline, wrapped, shade in placed:
        font.draw(draw, left, baseline, wrapped, fill=(shade, shade, shade))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    undrawn = fonts.chain(16).missing("".join(line.text for line in lines))
    return CertificatePicture(buffer.getvalue(), words.language, undrawn)


def certificate_png(
    grades: Sequence[Grade],
    learner: str = "",
    *,
    certificate_id: str | None = None,
    words: language.Words | None = None,
) -> bytes:
    """The certificate's picture as PNG bytes (`draw_certificate`)."""
    return draw_certificate(grades, learner, certificate_id=certificate_id, words=words).png


def _plain(value: object) -> object:
    """Settings as JSON can hold them."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)
