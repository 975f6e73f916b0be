"""Page pieces every lesson shares: the run history and "show the code".

Lessons call these instead of writing their own tables and code views, so comparing runs and
exporting code look and behave the same everywhere. Logic stays in `core`; this only places it.
"""

from __future__ import annotations

import streamlit as st

from core import runs as run_history


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
