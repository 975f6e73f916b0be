"""Page pieces every lesson shares: training with live progress, run history, results, "show the code".

Lessons call these instead of writing their own, so training, comparing runs and exporting code
look and behave the same everywhere. Logic stays in `core`; this only places it on the page. A
page builds its model and trainer in plain sight and hands them over; nothing here calls back up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import keras
import streamlit as st

from core import classifier_charts, course, fashion_mnist, image_classifier, run_charts, training, training_charts
from core import runs as run_history

FASHION_CONFUSION = "Shirts, T-shirts, pullovers and coats look alike at 28×28 pixels; that is where most mistakes are."


@st.cache_resource(show_spinner="Loading Fashion-MNIST...")
def fashion_mnist_data() -> fashion_mnist.FashionMNIST:
    """Read-only and shared by every visitor and both Fashion-MNIST lessons: loaded once per server."""
    return fashion_mnist.load_fashion_mnist()


def fashion_mnist_ui() -> fashion_mnist.FashionMNIST:
    """The data set, or a message that says how to get it (and the page stops there)."""
    try:
        return fashion_mnist_data()
    except (fashion_mnist.DataUnavailable, fashion_mnist.DatasetError) as problem:
        st.error(str(problem), icon=":material/cloud_off:")
        st.stop()
        raise  # st.stop() ends the script run; this line only tells type checkers so


def session_runs(lesson: course.Lesson) -> list[run_history.RunRecord]:
    """The learner's runs for one lesson, kept in this browser session only."""
    return st.session_state.setdefault(f"runs/{lesson.key}", [])


def record_run(lesson: course.Lesson, record: run_history.RunRecord) -> None:
    st.session_state[f"runs/{lesson.key}"] = run_history.add_run(session_runs(lesson), record)


def next_run_number(lesson: course.Lesson) -> int:
    runs = session_runs(lesson)
    return runs[-1].number + 1 if runs else 1


def runs_ui(lesson: course.Lesson, log_scale: bool) -> None:
    """The table of this session's runs and their loss curves overlaid, with a way to clear them."""
    runs = session_runs(lesson)
    st.subheader("Your runs")
    if not runs:
        st.caption("Train to start your run history.")
        return
    st.caption("Every run you train in this session, newest last. Change one setting at a time to see its effect.")
    st.dataframe(run_history.runs_table(runs), hide_index=True)
    st.plotly_chart(run_charts.loss_overlay(runs, log_scale=log_scale))
    if st.button("Clear run history", key=f"clear/{lesson.key}"):
        st.session_state[f"runs/{lesson.key}"] = []
        st.rerun()


def accuracy_overlay_ui(lesson: course.Lesson) -> None:
    """Training accuracy of every run in this session, overlaid."""
    runs = [run for run in session_runs(lesson) if run.accuracy]
    if runs:
        st.plotly_chart(run_charts.accuracy_overlay(runs))


def show_code_ui(script: str, file_name: str) -> None:
    """The runnable Keras script for the current settings, with a download button."""
    with st.expander("Show the code: a plain Keras script that reproduces this run"):
        st.caption(
            "This is stock `model.fit`, exactly as in the course. The dashboard runs the same optimizer "
            "steps in a compiled loop to answer faster; the numbers agree."
        )
        st.code(script, language="python")
        st.download_button("Download " + file_name, script, file_name=file_name, mime="text/x-python")


def stop_rule_ui(key_prefix: str, default_target: float) -> training.StopAtTarget | None:
    """The course's callback settings, the same in every lesson that offers it: the rule, or None
    when the learner leaves it off."""
    enabled = st.checkbox("Stop at a target", False, key=f"{key_prefix}_stop")
    metric = st.radio("Metric", ["accuracy", "loss"], horizontal=True, key=f"{key_prefix}_stop_metric")
    target = st.number_input(
        "Target (accuracy ≥ or loss ≤)", 0.0, 1.0, default_target, 0.01, key=f"{key_prefix}_stop_target"
    )
    return training.StopAtTarget(metric, float(target)) if enabled else None


@dataclass
class _ActiveRun:
    """A run while it trains. Kept in the session, so when Stop (or leaving the page) interrupts
    the script, the next script run still finds every epoch trained so far and finishes it."""

    config: Any
    model: keras.Model
    history: training.TrainingHistory
    held_out: image_classifier.HeldOut
    finished: bool = False


def train_ui(
    lesson: course.Lesson,
    config: Any,
    model: keras.Model,
    trainer: training.Trainer,
    held_out: image_classifier.HeldOut,
) -> None:
    """Trains the page's model with its trainer, live: a Stop button, a progress bar and curves.
    Then scores it on `held_out` and records the run."""
    _finish_interrupted_run(lesson)
    active = _ActiveRun(config, model, training.TrainingHistory(config.epochs), held_out)
    st.session_state[f"active/{lesson.key}"] = active
    stop_slot = st.empty()
    stop_slot.button("Stop training", key=f"stop/{lesson.key}", help="Keeps what was trained so far.")
    live_training_ui(trainer, active.history)
    stop_slot.empty()
    _finish(lesson, active, outcome="stopped at target" if active.history.stopped_at_target else "finished")


def trained_run(lesson: course.Lesson) -> image_classifier.TrainedRun | None:
    """This session's latest run of the lesson, finishing one that Stop interrupted; None before the first."""
    _finish_interrupted_run(lesson)
    return st.session_state.get(f"result/{lesson.key}")


def _finish_interrupted_run(lesson: course.Lesson) -> None:
    active = st.session_state.get(f"active/{lesson.key}")
    if active is None or active.finished:
        return
    _finish(lesson, active, outcome="interrupted")
    st.warning(
        f"Training was stopped after {active.history.epochs_run} of {active.config.epochs} epochs; "
        "the results below are for what was trained so far.",
        icon=":material/pause_circle:",
    )


def _finish(lesson: course.Lesson, active: _ActiveRun, outcome: str) -> None:
    evaluation = image_classifier.evaluate(active.model, active.held_out, active.config.input_scale)
    active.finished = True
    history, name = active.history, active.held_out.name
    st.session_state[f"result/{lesson.key}"] = image_classifier.TrainedRun(
        active.config, active.model, history, evaluation, active.held_out
    )
    record_run(
        lesson,
        run_history.RunRecord(
            lesson=lesson.key,
            number=next_run_number(lesson),
            settings=run_history.settings_of(active.config),
            loss=tuple(history.loss),
            accuracy=tuple(history.accuracy),
            seconds=history.seconds,
            results={
                f"{name} accuracy": round(evaluation.accuracy, 4),
                f"{name} loss": round(evaluation.loss, 4),
                "parameters": active.model.count_params(),
            },
            outcome=outcome,
        ),
    )


def live_training_ui(trainer: training.Trainer, history: training.TrainingHistory) -> None:
    """Trains with a progress bar and live curves. If the learner presses Stop or leaves, Streamlit
    interrupts this at its next update; `history` (kept in the session by the caller) still holds
    every finished epoch, and the page finishes the run on its next rerun."""
    progress_bar = st.progress(0.0, text="Starting: compiling the training step...")
    live_chart = st.empty()
    drawn_epochs = [0]

    def on_progress(progress: training.Progress) -> None:
        progress_bar.progress(
            progress.fraction,
            text=(
                f"Epoch {min(progress.epoch + 1, progress.epochs)}/{progress.epochs}, "
                f"batch {progress.step_in_epoch}/{progress.steps_per_epoch} · "
                f"{progress.elapsed_s:.0f} s elapsed, about {progress.seconds_left:.0f} s left"
            ),
        )
        if progress.history.epochs_run > drawn_epochs[0]:  # redraw only when an epoch has finished
            drawn_epochs[0] = progress.history.epochs_run
            figure = training_charts.training_curves(progress.history, "Training live")
            live_chart.plotly_chart(figure, key=f"live-training-{drawn_epochs[0]}")

    trainer.run(history, on_progress=on_progress)
    epochs = f"{history.epochs_run} epoch{'' if history.epochs_run == 1 else 's'}"
    progress_bar.progress(1.0, text=f"Done: {epochs} in {history.seconds:.1f} s")
    live_chart.empty()


def classifier_results_ui(
    lesson: course.Lesson,
    run: image_classifier.TrainedRun,
    class_names: Sequence[str],
    confusion_note: str | None = None,
) -> None:
    """Held-out metrics, training curves, the confusion matrix, the mistakes and a probe of one image."""
    history, evaluation = run.history, run.evaluation
    test_images, test_labels, split_name = run.held_out.images, run.held_out.labels, run.held_out.name
    st.subheader(f"Results on the {len(test_labels):,} {split_name} images")
    if history.stop_message:
        st.success(history.stop_message, icon=":material/flag:")
    accuracy_column, loss_column, time_column, epochs_column = st.columns(4)
    accuracy_column.metric(f"{split_name.capitalize()} accuracy", f"{evaluation.accuracy:.2%}")
    loss_column.metric(f"{split_name.capitalize()} loss", f"{evaluation.loss:.4f}")
    time_column.metric("Training time", f"{history.seconds:.1f} s")
    epochs_column.metric("Epochs run", f"{history.epochs_run} of {history.epochs_planned}")
    if split_name == "training":
        st.warning(
            "Nothing was held out, so these scores are on the very images the network trained on: they say how "
            "well it memorised them, not how it does on images it has never seen.",
            icon=":material/visibility_off:",
        )
    elif history.accuracy:
        gap = history.accuracy[-1] - evaluation.accuracy
        if gap > 0.005:
            comparison = f"a gap of {gap:.1%}: the network does a little better on images it has already seen"
        elif gap < -0.005:
            comparison = (
                f"the {split_name} accuracy is higher, because training accuracy is averaged over each epoch while "
                "the network was still learning"
            )
        else:
            comparison = "no gap: it does as well on new images as on the ones it trained on"
        st.caption(
            f"Training accuracy {history.accuracy[-1]:.2%} vs {split_name} accuracy {evaluation.accuracy:.2%}: "
            f"{comparison}."
        )
    st.plotly_chart(training_charts.training_curves(history))

    confusion_tab, mistakes_tab, probe_tab = st.tabs(["Confusion matrix", "Mistakes", f"Probe a {split_name} image"])
    with confusion_tab:
        matrix_column, bars_column = st.columns([3, 2])
        matrix_column.plotly_chart(classifier_charts.confusion_heatmap(evaluation.confusion, class_names))
        bars_column.plotly_chart(classifier_charts.per_class_bars(evaluation.per_class_accuracy, class_names))
        if confusion_note:
            st.caption(confusion_note)
    with mistakes_tab:
        wrong = image_classifier.misclassified(evaluation, test_labels, limit=24)
        st.caption(
            f"{int((evaluation.predictions != test_labels).sum()):,} {split_name} images are wrong; "
            "here are the ones the network was most sure about."
        )
        st.image(
            [test_images[index] for index in wrong],
            caption=[
                f"true {class_names[test_labels[i]]} → said {class_names[evaluation.predictions[i]]}" for i in wrong
            ],
            width=110,
        )
    with probe_tab:
        index = st.number_input(
            f"{split_name.capitalize()} image number (0 to {len(test_labels) - 1:,})",
            0,
            len(test_labels) - 1,
            0,
            key=f"probe/{lesson.key}",
        )
        image_column, bars_column = st.columns([1, 3])
        image_column.image(test_images[index], caption=f"true class: {class_names[test_labels[index]]}", width=180)
        bars_column.plotly_chart(
            classifier_charts.probability_bars(evaluation.probabilities[index], class_names, int(test_labels[index]))
        )
