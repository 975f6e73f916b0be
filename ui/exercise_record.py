"""The learner's record of graded exercises: kept in their session, shown in every exercise and on
the course map, and downloadable as a small certificate (JSON or PNG). Light: no TensorFlow."""

from __future__ import annotations

import streamlit as st

from core.base import exercises, language, text
from ui import i18n, session


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


def exercise_text(exercise: exercises.Exercise, field: str) -> str:
    """An exercise's title, task or criterion in this run's language (its lesson's catalogue entry)."""
    return exercises.exercise_text(exercise, field, i18n.words())


def said(value: object) -> str:
    """Something core chose: a message in this run's language, text as it is."""
    return i18n.say(value) if isinstance(value, language.Message) else str(value)


def record_ui(key: str) -> None:
    """The passed exercises so far, and the certificate to download."""
    words = i18n.words()
    passed = [grade for grade in record().values() if grade.passed]
    if not passed:
        st.caption(words("ui.exercise.record.none_yet"))
        return
    names = ", ".join(
        words(
            "ui.exercise.record.week",
            week=grade.exercise.week,
            title=text.plain(exercise_text(grade.exercise, "title")),
        )
        for grade in passed
    )
    st.caption(words("ui.exercise.record.passed", names=names))
    certificates = (
        ("JSON", exercises.certificate_json, "json", "application/json", ":material/workspace_premium:"),
        ("PNG", exercises.certificate_png, "png", "image/png", ":material/image:"),
    )
    for column, (kind, make, extension, mime, icon) in zip(st.columns(2), certificates, strict=True):
        column.download_button(
            words("ui.exercise.record.certificate", kind=kind),
            lambda make=make: make(passed, words=words),  # written only when pressed
            file_name=f"tensorflow-first-steps-exercises.{extension}",
            mime=mime,
            key=session.certificate_key(extension, key),
            icon=icon,
        )


def grade_ui(grade: exercises.Grade) -> None:
    """The grader's panel: each check with its mark, the measured value and, when it failed, a
    hint (never the answer); the grade joins the learner's record."""
    keep(grade)
    words = i18n.words()
    if grade.passed:
        criterion = exercise_text(grade.exercise, "criterion")
        st.success(words("ui.exercise.grade.passed", criterion=criterion), icon=":material/verified:")
    else:
        failed = sum(not check.passed for check in grade.checks)
        not_passed = words("ui.exercise.grade.not_passed", failed=failed, total=len(grade.checks))
        st.error(not_passed, icon=":material/cancel:")
    if grade.data:
        st.caption(words("ui.exercise.grade.trained_on", data=text.plain(exercises.data_name(grade.data, words))))
    lines = []
    for check in grade.checks:
        mark = ":green[:material/check_circle:]" if check.passed else ":red[:material/cancel:]"
        name, measured, hint = check.said(words)
        line = words("ui.exercise.grade.check", mark=mark, name=name, measured=measured)
        if not check.passed and hint:
            line += f"  \n:orange[:material/lightbulb:] *{hint}*"

        lines.append(line)
    with st.container(border=True):
        for line in lines:
            st.markdown(line)
