"""The learner's record of graded exercises: kept in their session, shown in every exercise and on
the course map, and downloadable as a small certificate (JSON or PNG). Light: no TensorFlow."""

from __future__ import annotations

import streamlit as st

from core.base import exercises, text
from ui import session


def record() -> dict[str, exercises.Grade]:
    """This session's best grade per exercise: a pass stays a pass."""
    return session.current().record


def keep(grade: exercises.Grade) -> None:
    """A pass stays a pass; the first pass with given settings on given data keeps its date."""
    kept = record().get(grade.exercise.key)
    same = kept is not None and (kept.settings, kept.data) == (grade.settings, grade.data)
    if kept is not None and kept.passed and (not grade.passed or same):
        return
    record()[grade.exercise.key] = grade


def record_ui(key: str) -> None:
    """The passed exercises so far, and the certificate to download."""
    passed = [grade for grade in record().values() if grade.passed]
    if not passed:
        st.caption("Your record: no exercise passed yet. It lives in this browser session only.")
        return
    names = ", ".join(f"week {grade.exercise.week} ({text.plain(grade.exercise.title)})" for grade in passed)
    st.caption(f"Your record: passed {names}. It lives in this browser session; download it to keep it.")
    certificates = (
        ("JSON", exercises.certificate_json, "json", "application/json", ":material/workspace_premium:"),
        ("PNG", exercises.certificate_png, "png", "image/png", ":material/image:"),
    )
    for column, (kind, make, extension, mime, icon) in zip(st.columns(2), certificates, strict=True):
        column.download_button(
            f"Certificate ({kind})",
            lambda make=make: make(passed),  # written only when pressed
            file_name=f"tensorflow-first-steps-exercises.{extension}",
            mime=mime,
            key=session.certificate_key(extension, key),
            icon=icon,
        )


def grade_ui(grade: exercises.Grade) -> None:
    """The grader's panel: each check with its mark, the measured value and, when it failed, a
    hint (never the answer); the grade joins the learner's record."""
    keep(grade)
    if grade.passed:
        st.success(f"Passed: {grade.exercise.criterion}", icon=":material/verified:")
    else:
        failed = sum(not check.passed for check in grade.checks)
        st.error(f"Not passed yet: {failed} of {len(grade.checks)} checks failed.", icon=":material/cancel:")
    if grade.data:
        st.caption(f"Trained and graded on {text.plain(grade.data)}.")
    lines = []
    for check in grade.checks:
        mark = ":green[:material/check_circle:]" if check.passed else ":red[:material/cancel:]"
        line = f"{mark} {check.name} · measured: **{check.measured}**"
        if not check.passed and check.hint:
            line += f"  \n:orange[:material/lightbulb:] *{check.hint}*"
        lines.append(line)
    with st.container(border=True):
        for line in lines:
            st.markdown(line)
