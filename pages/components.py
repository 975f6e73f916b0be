"""Page pieces every lesson shares: the run history and "show the code".

Lessons call these instead of writing their own tables and code views, so comparing runs and
exporting code look and behave the same everywhere. Logic stays in `core`; this only places it.
"""

from __future__ import annotations

import streamlit as st

from core import computer_vision, training, training_charts
from core import runs as run_history

FASHION_CONFUSION = "Shirts, T-shirts, pullovers and coats look alike at 28×28 pixels; that is where most mistakes are."


def session_runs(lesson_key: str) -> list[run_history.RunRecord]:
    """The learner's runs for one lesson, kept in this browser session only."""
    return st.session_state.setdefault(f"runs/{lesson_key}", [])


def record_run(lesson_key: str, record: run_history.RunRecord) -> None:
    st.session_state[f"runs/{lesson_key}"] = run_history.add_run(session_runs(lesson_key), record)


def next_run_number(lesson_key: str) -> int:
    runs = session_runs(lesson_key)
    return runs[-1].number + 1 if runs else 1


def runs_ui(lesson_key: str, log_scale: bool) -> None:
    """The table of this session's runs and their loss curves overlaid, with a way to clear them."""
    runs = session_runs(lesson_key)
    st.subheader("Your runs")
    if not runs:
        st.caption("Train to start your run history.")
        return
    st.caption("Every run you train in this session, newest last. Change one setting at a time to see its effect.")
    st.dataframe(run_history.runs_table(runs), hide_index=True)
    st.plotly_chart(run_history.loss_overlay(runs, log_scale=log_scale))
    if st.button("Clear run history", key=f"clear/{lesson_key}"):
        st.session_state[f"runs/{lesson_key}"] = []
        st.rerun()


def show_code_ui(script: str, file_name: str) -> None:
    """The runnable Keras script for the current settings, with a download button."""
    with st.expander("Show the code: a plain Keras script that reproduces this run"):
        st.caption(
            "This is stock `model.fit`, exactly as in the course. The dashboard runs the same optimizer "
            "steps in a compiled loop to answer faster; the numbers agree."
        )
        st.code(script, language="python")
        st.download_button("Download " + file_name, script, file_name=file_name, mime="text/x-python")


def stop_rule_ui(key_prefix: str, default_target: float) -> dict:
    """The course's callback settings, the same in every lesson that offers it; the returned
    fields go straight into the lesson's config."""
    stop_enabled = st.checkbox("Stop at a target", False, key=f"{key_prefix}_stop")
    stop_metric = st.radio("Metric", ["accuracy", "loss"], horizontal=True, key=f"{key_prefix}_stop_metric")
    stop_target = st.number_input(
        "Target (accuracy ≥ or loss ≤)", 0.0, 1.0, default_target, 0.01, key=f"{key_prefix}_stop_target"
    )
    return dict(stop_enabled=stop_enabled, stop_metric=stop_metric, stop_target=float(stop_target))


def live_training_ui(trainer: training.Trainer, history: training.TrainingHistory, stop) -> None:
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

    trainer.run(history, stop=stop, on_progress=on_progress)
    epochs = f"{history.epochs_run} epoch{'' if history.epochs_run == 1 else 's'}"
    progress_bar.progress(1.0, text=f"Done: {epochs} in {history.seconds:.1f} s")
    live_chart.empty()


def accuracy_overlay_ui(lesson_key: str) -> None:
    """Training accuracy of every run in this session, overlaid."""
    runs = [run for run in session_runs(lesson_key) if run.accuracy]
    if runs:
        st.plotly_chart(training_charts.accuracy_overlay([(run.label, run.accuracy) for run in runs]))


def image_training_ui(
    lesson_key: str, lesson_name: str, config, submitted: bool, build, evaluate, held_out_name: str = "test"
) -> dict | None:
    """The whole train-and-keep cycle of the image lessons, written once.

    `build(config)` returns (model, trainer); `evaluate(model, config)` returns an Evaluation on the
    test set, for the config the model was trained with. A run interrupted by Stop (or by leaving
    the page) is finished on the next rerun with what it trained so far. Returns this session's
    latest result, or None before the first run.
    """
    state = st.session_state
    active_key, result_key = f"active/{lesson_key}", f"result/{lesson_key}"

    def finish(active: dict, outcome: str) -> None:
        history, model = active["history"], active["model"]
        evaluation = evaluate(model, active["config"])
        active["finished"] = True
        state[result_key] = dict(config=active["config"], history=history, model=model, evaluation=evaluation)
        record_run(
            lesson_key,
            run_history.RunRecord(
                lesson=lesson_name,
                number=next_run_number(lesson_key),
                settings=run_history.settings_of(active["config"]),
                loss=tuple(history.loss),
                accuracy=tuple(history.accuracy),
                seconds=history.seconds,
                results={
                    f"{held_out_name} accuracy": round(evaluation.accuracy, 4),
                    f"{held_out_name} loss": round(evaluation.loss, 4),
                    "parameters": model.count_params(),
                },
                outcome=outcome,
            ),
        )

    active = state.get(active_key)
    if active and not active["finished"]:
        finish(active, outcome="interrupted")
        st.warning(
            f"Training was stopped after {active['history'].epochs_run} of {active['config'].epochs} epochs; "
            "the results below are for what was trained so far.",
            icon=":material/pause_circle:",
        )
    if submitted:
        model, trainer = build(config)
        active = dict(config=config, model=model, history=training.TrainingHistory(config.epochs), finished=False)
        state[active_key] = active
        stop_slot = st.empty()
        stop_slot.button("Stop training", key=f"stop/{lesson_key}", help="Keeps what was trained so far.")
        live_training_ui(trainer, active["history"], config.stop_rule)
        stop_slot.empty()
        finish(active, outcome="stopped at target" if active["history"].stopped_at_target else "finished")
    return state.get(result_key)


def classifier_results_ui(
    lesson_key: str,
    result: dict,
    test_images,
    test_labels,
    class_names,
    split_name: str = "test",
    confusion_note: str | None = None,
) -> None:
    """Test metrics, training curves, the confusion matrix, the mistakes and a probe of one image."""
    history, evaluation = result["history"], result["evaluation"]
    st.subheader(f"Results on the {len(test_labels):,} {split_name} images")
    if history.stop_message:
        st.success(history.stop_message, icon=":material/flag:")
    accuracy_column, loss_column, time_column, epochs_column = st.columns(4)
    accuracy_column.metric(f"{split_name.capitalize()} accuracy", f"{evaluation.accuracy:.2%}")
    loss_column.metric(f"{split_name.capitalize()} loss", f"{evaluation.loss:.4f}")
    time_column.metric("Training time", f"{history.seconds:.1f} s")
    epochs_column.metric("Epochs run", f"{history.epochs_run} of {history.epochs_planned}")
    if history.accuracy:
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
        matrix_column.plotly_chart(training_charts.confusion_heatmap(evaluation.confusion, class_names))
        bars_column.plotly_chart(training_charts.per_class_bars(evaluation.per_class_accuracy, class_names))
        if confusion_note:
            st.caption(confusion_note)
    with mistakes_tab:
        wrong = computer_vision.misclassified(evaluation, test_labels, limit=24)
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
            key=f"probe/{lesson_key}",
        )
        image_column, bars_column = st.columns([1, 3])
        image_column.image(test_images[index], caption=f"true class: {class_names[test_labels[index]]}", width=180)
        bars_column.plotly_chart(
            training_charts.probability_bars(evaluation.probabilities[index], class_names, int(test_labels[index]))
        )
