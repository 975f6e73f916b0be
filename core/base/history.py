"""What a training is and has been, in plain numbers: the course's stopping rule, the history of
a run epoch by epoch, the progress a page shows, and the held-out images a trained network is
scored on with its score. TensorFlow-free, so the home page, the sidebar and the job records use
them without loading it; the trainer (`core.engine.training`) fills them in."""

from __future__ import annotations

import dataclasses
import enum
import math
import operator
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.base import language
from core.base.weight_histograms import WeightHistograms

# How a stopping rule, or a learner's callback, compares a metric with its target.
COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤"}


@dataclass(frozen=True)
class StopAtTarget:
    """The course's callback: stop at the end of the first epoch whose metric reaches a target.

    With `metric="accuracy"` training stops once accuracy >= target; with `metric="loss"` once
    loss <= target, as in the course's `myCallback.on_epoch_end`.
    """

    metric: str = "accuracy"  # "accuracy" or "loss"
    target: float = 0.95
    strict: bool = False  # accuracy > target rather than >= (a graded exercise checks the difference)

    def __post_init__(self) -> None:
        if self.metric not in ("accuracy", "loss"):
            raise language.LearnerError("base.messages.history.stop_metric", metric=repr(self.metric))
        if not math.isfinite(self.target):
            raise language.LearnerError("base.messages.history.stop_target")

    @property
    def comparison(self) -> str:
        """How the metric is compared with the target, as Python writes it (the exported script's)."""
        if self.metric == "loss":
            return "<="
        return ">" if self.strict else ">="

    def __str__(self) -> str:
        """How the run table shows the rule: "accuracy ≥ 0.9" or "loss ≤ 0.3"."""
        return str(self.rule_message)

    @property
    def rule_message(self) -> language.Message:
        """The rule in the learner's words, as the run table shows it."""
        if self.metric == "loss":
            return language.Message("base.messages.history.rule_loss", {"target": f"{self.target:g}"})
        values = {"comparison": SYMBOLS[self.comparison], "target": f"{self.target:g}"}
        return language.Message("base.messages.history.rule_accuracy", values)

    def passes(self, value: float) -> bool:
        """Whether a value of the metric reaches the target."""
        return bool(COMPARE[self.comparison](value, self.target))

    def reached(self, loss: float, accuracy: float | None) -> bool:
        value = loss if self.metric == "loss" else accuracy
        return value is not None and self.passes(value)

    def message(self, epoch: int) -> str:
        """The course's words when the callback fires, in English (`stop_words` in any language)."""
        return str(self.stop_words(epoch))

    def stop_words(self, epoch: int) -> language.Message:
        if self.metric == "loss":
            return language.Message(
                "base.messages.history.stopped_loss", {"epoch": epoch, "target": f"{self.target:g}"}
            )
        return language.Message(
            "base.messages.history.stopped_accuracy", {"percent": f"{self.target * 100:g}", "epoch": epoch}
        )


class Outcome(enum.StrEnum):
    """How a run ended, in the run table's words (a string, so a table or a link shows it as is)."""

    FINISHED = "finished"  # every planned epoch
    STOPPED_AT_TARGET = "stopped at target"  # the course's callback fired
    DIVERGED = "diverged"  # the loss was no longer a number
    TIME_LIMIT = "time limit"  # a shared server's limit for one training
    STOPPED = "stopped"  # the learner pressed Stop
    INTERRUPTED = "interrupted"  # ended early otherwise (the session went)

    @property
    def message(self) -> language.Message:
        """How the run ended, in the learner's language (the value stays the English, as records keep it)."""
        return language.Message(f"base.messages.history.outcome.{self.name.lower()}")


@dataclass
class TrainingHistory:
    """What a run learned, epoch by epoch. It grows while training runs, so a run that is
    interrupted (a Streamlit rerun, a stop button) keeps everything trained so far."""

    epochs_planned: int
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    # Loss and accuracy on held-out data after each epoch, when the trainer has validation data.
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    # Trainable weights flattened after each epoch, only when asked for (tiny models).
    weights: list[np.ndarray] = field(default_factory=list)
    # Each kernel's weights and gradients as histograms after each epoch, when asked for (Lessons 2-4).
    histograms: WeightHistograms | None = None
    seconds: float = 0.0
    stopped_at_target: int | None = None  # 1-based epoch at which the stop rule fired
    stop_message: str | None = None  # in English; `stop_said` is the same in the learner's language
    stop_said: language.Message | None = None
    diverged_at: int | None = None  # 1-based epoch whose loss was no longer finite
    cancelled: bool = False  # a learner stopped the run before its planned end
    timed_out: bool = False  # it reached the server's time limit for one training (and was stopped)

    @property
    def epochs_run(self) -> int:
        return len(self.loss)

    @property
    def finished(self) -> bool:
        return (
            self.epochs_run >= self.epochs_planned
            or self.stopped_at_target is not None
            or self.diverged_at is not None
            or self.cancelled
        )

    @property
    def outcome(self) -> Outcome:
        """How the run ended."""
        if self.diverged_at is not None:
            return Outcome.DIVERGED
        if self.stopped_at_target is not None:
            return Outcome.STOPPED_AT_TARGET
        if self.timed_out:
            return Outcome.TIME_LIMIT
        if self.cancelled:
            return Outcome.STOPPED
        return Outcome.FINISHED if self.epochs_run >= self.epochs_planned else Outcome.INTERRUPTED

    def copy(self) -> TrainingHistory:
        """A snapshot another thread can draw while this history keeps growing."""
        return dataclasses.replace(
            self,
            loss=list(self.loss),
            accuracy=list(self.accuracy),
            val_loss=list(self.val_loss),
            val_accuracy=list(self.val_accuracy),
            weights=list(self.weights),
            histograms=self.histograms.copy() if self.histograms is not None else None,
        )


@dataclass(frozen=True)
class Progress:
    """A snapshot sent to the page between compiled chunks."""

    epoch: int  # epochs completed
    epochs: int
    step_in_epoch: int  # batches done in the current epoch
    steps_per_epoch: int
    elapsed_s: float
    seconds_left: float
    history: TrainingHistory

    @property
    def fraction(self) -> float:
        done = self.epoch * self.steps_per_epoch + self.step_in_epoch
        return min(1.0, done / max(1, self.epochs * self.steps_per_epoch))

    @property
    def status_line(self) -> str:
        """The progress bar's words in English (`status_message` in the learner's language)."""
        return str(self.status_message)

    @property
    def status_message(self) -> language.Message:
        """The progress bar's words: the epoch and batch under way and the time left, or, once
        training has ended, how it ended (never "batch 0 of the epoch after the last")."""
        said = "base.messages.history.progress."
        elapsed = language.Message(said + "elapsed", {"seconds": f"{self.elapsed_s:.0f}"})
        history = self.history
        if not (history.finished or self.epoch >= self.epochs):
            values = {
                "epoch": self.epoch + 1,
                "epochs": self.epochs,
                "step": self.step_in_epoch,
                "steps": self.steps_per_epoch,
                "elapsed": elapsed,
                "seconds_left": f"{self.seconds_left:.0f}",
            }
            return language.Message(said + "running", values)
        after = language.Message(said + "after", {"epoch": self.epoch, "epochs": self.epochs, "elapsed": elapsed})
        if history.diverged_at is not None:
            values = {"epoch": history.diverged_at, "epochs": self.epochs, "elapsed": elapsed}
            return language.Message(said + "diverged", values)
        if history.stopped_at_target is not None:
            return language.Message(said + "at_target", {"after": after})
        if history.timed_out:
            return language.Message(said + "time_limit", {"after": after})
        if history.cancelled:
            return language.Message(said + "stopped", {"after": after})
        return language.Message(said + "done", {"epoch": self.epoch, "epochs": self.epochs, "elapsed": elapsed})


ProgressCallback = Callable[[Progress], None]


def progress_so_far(history: TrainingHistory, step_in_epoch: int, steps_per_epoch: int) -> Progress:
    """The snapshot a page shows, with the time left guessed from the pace so far."""
    done = history.epochs_run * steps_per_epoch + step_in_epoch
    total = history.epochs_planned * steps_per_epoch
    return Progress(
        epoch=history.epochs_run,
        epochs=history.epochs_planned,
        step_in_epoch=step_in_epoch,
        steps_per_epoch=steps_per_epoch,
        elapsed_s=history.seconds,
        seconds_left=0.0 if history.finished else history.seconds / max(done, 1) * (total - done),
        history=history,
    )


@dataclass
class ProgressReporter:
    """Sends progress to the page at most every `every_s` seconds, and always once training is
    finished, so a fast run spends its time training rather than redrawing the page."""

    on_progress: ProgressCallback | None
    every_s: float
    steps_per_epoch: int
    last_report: float = field(default_factory=time.perf_counter)

    def report(self, history: TrainingHistory, step_in_epoch: int) -> None:
        due = time.perf_counter() - self.last_report >= self.every_s or history.finished
        if self.on_progress and due:
            self.last_report = time.perf_counter()
            self.on_progress(progress_so_far(history, step_in_epoch, self.steps_per_epoch))


@dataclass(frozen=True)
class HeldOut:
    """The images a trained network is scored on, as they are stored and shown (uint8), and
    what the lesson calls them: the "test" set or the "validation" photos (the key of its name in
    `base.messages.history.held_out`)."""

    images: np.ndarray
    labels: np.ndarray
    name: str = "test"


@dataclass(frozen=True)
class Evaluation:
    """How the trained network does on images it never trained on."""

    loss: float
    accuracy: float
    predictions: np.ndarray  # predicted class per image
    probabilities: np.ndarray  # (n, classes)
    confusion: np.ndarray  # (classes, classes): rows are true classes, columns predicted

    @property
    def per_class_accuracy(self) -> np.ndarray:
        totals = self.confusion.sum(axis=1)
        return np.divide(np.diag(self.confusion), totals, out=np.zeros(len(totals)), where=totals > 0)
