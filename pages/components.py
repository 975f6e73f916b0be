"""Page pieces every lesson shares: the run history and "show the code".

Lessons call these instead of writing their own tables and code views, so comparing runs and
exporting code look and behave the same everywhere. Logic stays in `core`; this only places it.
"""

from __future__ import annotations

import streamlit as st

from core import runs as run_history
from core import training, training_charts
from core.course import LESSONS


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
    progress_bar.progress(1.0, text=f"Done: {history.epochs_run} epochs in {history.seconds:.1f} s")
    live_chart.empty()


def accuracy_overlay_ui(lesson_key: str) -> None:
    """Training accuracy of every run in this session, overlaid."""
    runs = [run for run in session_runs(lesson_key) if run.accuracy]
    if runs:
        st.plotly_chart(training_charts.accuracy_overlay([(run.label, run.accuracy) for run in runs]))


def coming_next_ui(lesson_number: int) -> None:
    """A lesson whose step has not landed yet: what it will teach, and where to go meanwhile."""
    lesson = LESSONS[lesson_number - 1]
    st.title(f"Lesson {lesson.number} · {lesson.title}")
    st.markdown(f"**The question:** {lesson.question}")
    st.markdown(lesson.teaches)
    st.info("Coming next: this lesson is being built. Start with Lesson 1 meanwhile.", icon=":material/schedule:")
    st.page_link("pages/hello_world.py", label="Go to Lesson 1 · Hello, World", icon=":material/arrow_forward:")
