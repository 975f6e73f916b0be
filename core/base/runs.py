"""Run history shared by every lesson: each training run a learner makes, kept for comparison.

Comparing runs is how the course's questions get answered ("is adam faster than sgd?", "what
does a ten times larger learning rate do?"), so every lesson records its runs the same way and
shows them in the same table and overlay chart.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.base import language
from core.base.history import Outcome


@dataclass(frozen=True)
class RunRecord:
    """One finished (or interrupted) run: its label, settings, curves and headline numbers."""

    lesson: str  # the lesson's registry key, e.g. "hello_world" (core.base.course)
    number: int  # 1-based, in the order the learner trained them
    settings: dict[str, object]  # the config's fields, shown as table columns
    loss: tuple[float, ...]  # per epoch
    seconds: float
    results: dict[str, object] = field(default_factory=dict)  # e.g. {"prediction at x=7": 4.0}
    accuracy: tuple[float, ...] = ()
    outcome: Outcome = Outcome.FINISHED
    data_set: str = ""  # what it trained on, by name ("Fashion-MNIST"), when its job said so
    link: dict[str, str] = field(default_factory=dict)  # the address parameters it was trained with (Step 7)


# Lesson 4's "teach it" runs (core.real_world_images.network.RealWorldConfig): the learner's own
# photos added to the training photos, and the run whose weights it started from.
OWN_PHOTOS, FROM_RUN = "own_photos", "from_run"


def differing_settings(runs: Sequence[RunRecord]) -> list[str]:
    """The settings whose values are not the same in every run, in the order the runs list them:
    what a comparison of these runs is about."""
    names = list(dict.fromkeys(name for run in runs for name in run.settings))
    return [name for name in names if len({repr(run.settings.get(name)) for run in runs}) > 1]


def shared_settings(runs: Sequence[RunRecord]) -> dict[str, object]:
    """The settings every run has with the same value."""
    differing = set(differing_settings(runs))
    return {name: value for name, value in runs[0].settings.items() if name not in differing} if runs else {}


def run_labels(runs: Sequence[RunRecord], *, words: language.Words) -> list[str]:
    """Each run's label among the runs shown with it: its number and what differs from the others
    ("#2 epochs=10"), a taught run in words ("#3 fine-tuned from run 1 with your 3 photos"), and a
    run whose settings repeat an earlier one's as such ("#2 same settings as #1")."""
    differing = differing_settings(runs)
    labels = []
    for index, run in enumerate(runs):
        parts = [_teaching(run.settings, words)] if _taught(run.settings) else []
        parts += [
            f"{name}={said_cell(run.settings.get(name, '-'), words=words)}"
            for name in differing
            if name not in (OWN_PHOTOS, FROM_RUN)
        ]
        parts = [part for part in parts if part]
        if not differing:
            earlier = next((other for other in runs[:index] if other.settings == run.settings), None)
            if earlier is not None:
                parts.append(words("base.messages.runs.same_settings", number=earlier.number))
        labels.append(" ".join([f"#{run.number}", ", ".join(parts)]).strip())
    return labels


def _taught(settings: dict[str, object]) -> bool:
    return _count(settings.get(OWN_PHOTOS)) > 0 or _count(settings.get(FROM_RUN)) > 0


def _teaching(settings: dict[str, object], words: language.Words) -> str:
    """A taught run in the lesson's words: where it started and how many of the learner's photos."""
    photos, start = _count(settings.get(OWN_PHOTOS)), _count(settings.get(FROM_RUN))
    said = "base.messages.runs."
    origin = words(said + "fine_tuned", run=start) if start else words(said + "from_scratch")
    if not photos:
        return origin
    return words(said + ("with_photo" if photos == 1 else "with_photos"), origin=origin, photos=photos)


def _count(value: object) -> int:
    """A setting that counts something: its number, or 0 when it is off (None, "off")."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def settings_of(config: Any) -> dict[str, object]:
    """A config dataclass as table columns (the same object labels the run): tuples such as
    hidden layer sizes read as "128×64", a stopping rule as "accuracy ≥ 0.9", none as "off"."""
    return {field.name: _cell(getattr(config, field.name)) for field in dataclasses.fields(config)}


OFF = "off"  # a setting that is not used, as records keep it (said as base.messages.runs.off)
_RULE = re.compile(r"^(accuracy|loss) ([≥>≤]) (\S+)$")  # a stopping rule, as records keep it


def _cell(value: object) -> object:
    if isinstance(value, tuple):
        return "×".join(str(item) for item in value)
    if value is None:
        return OFF
    if dataclasses.is_dataclass(value):
        return str(value)
    return value


def said_cell(value: object, *, words: language.Words) -> object:
    """A setting's value as the learner reads it: "off" and stopping rules ("accuracy ≥ 0.9") in
    their language, numbers and Keras's names as they are."""
    if value == OFF:
        return words("base.messages.runs.off")
    rule = _RULE.match(value) if isinstance(value, str) else None
    if rule is None:
        return value
    metric, symbol, target = rule.groups()
    if metric == "loss":
        return words("base.messages.history.rule_loss", target=target)
    return words("base.messages.history.rule_accuracy", comparison=symbol, target=target)


# The results image lessons record (`ui.components`), by how records name them: "test accuracy".
_RESULT = re.compile(r"^(test|validation|training) (accuracy|loss)$")
# Lesson 1's result, by how its record names it (`prediction_result`): "prediction at x=7".
_PREDICTION = re.compile(r"^prediction at x=(\S+)$")


def prediction_result(x: float) -> str:
    """The name a run's prediction at `x` is kept under, the same in every language (a run trained
    in Korean and one trained in English are one column); `result_name` says it."""
    return f"prediction at x={x:g}"


def result_name(name: str, *, words: language.Words) -> str:
    """A result's name as the learner reads it ("test accuracy", "parameters"); a lesson's own
    result ("prediction at x=7") as the lesson named it."""
    if name == "parameters":
        return words("base.messages.runs.results.parameters")
    prediction = _PREDICTION.match(name)
    if prediction is not None:
        return words("base.messages.runs.results.prediction_at", x=prediction.group(1))
    found = _RESULT.match(name)
    if found is None:
        return name
    split, metric = found.groups()
    return words(f"base.messages.runs.results.{metric}", split=words(f"base.messages.history.held_out.{split}"))


HISTORY_LIMIT = 50  # the runs a lesson's history keeps, newest last


def add_run(runs: list[RunRecord], record: RunRecord, limit: int = HISTORY_LIMIT) -> list[RunRecord]:
    """Returns the history with `record` appended, keeping only the newest `limit` runs so a long
    session's memory stays bounded."""
    return [*runs, record][-limit:]


def shared_results(runs: Sequence[RunRecord]) -> dict[str, object]:
    """Results every one of several runs has with the same value, such as the network's size when
    only the training changed."""
    if len(runs) < 2:
        return {}
    first = runs[0].results
    return {name: value for name, value in first.items() if all(run.results.get(name) == value for run in runs)}


def runs_table(runs: Sequence[RunRecord], *, words: language.Words) -> pd.DataFrame:
    """One row per run: its number, what differs between the runs (worded as the runs' labels), how
    it ended and after how many epochs, its results and its time. The settings every run shares,
    and results that are the same in every run, are said once above the table (`shared_settings`,
    `shared_results`), so that it stays as wide as a laptop's screen. Each column has one type, so
    Arrow converts it as it is."""
    same = shared_results(runs)
    column = {name: words(f"base.messages.runs.columns.{name}") for name in SAID_COLUMNS}
    rows = []
    for run, label in zip(runs, run_labels(runs, words=words), strict=True):
        row: dict[str, object] = {column["run"]: run.number}
        row[column["settings"]] = label.removeprefix(f"#{run.number}").strip()
        epochs = "base.messages.runs.outcome_epoch" if len(run.loss) == 1 else "base.messages.runs.outcome_epochs"
        row[column["outcome"]] = words(epochs, outcome=words.say(Outcome(run.outcome).message), epochs=len(run.loss))
        row[column["final_loss"]] = run.loss[-1] if run.loss else np.nan
        row.update({result_name(name, words=words): value for name, value in run.results.items() if name not in same})
        row[column["time"]] = round(run.seconds, 3)
        rows.append(row)
    table = pd.DataFrame(rows)
    if column["settings"] in table.columns and not table[column["settings"]].astype(bool).any():
        table = table.drop(columns=column["settings"])  # one run, or repeats of one: nothing differs
    for name in table.columns:
        table[name] = _one_type(table[name])
    return table


SAID_COLUMNS = ("run", "settings", "outcome", "final_loss", "time")  # base.messages.runs.columns.*


def _one_type(column: pd.Series) -> pd.Series:
    """A column whose cells mix types (a count and "off", a number and a word) becomes text:
    Streamlit sends tables as Arrow, which refuses a column of mixed types."""
    if column.dtype == object and len({type(value) for value in column if value is not None}) > 1:
        return column.map(lambda value: "" if value is None else str(value))
    return column
