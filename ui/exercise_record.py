"""The learner's record of graded exercises: kept in their session, shown in every exercise and on
the course map, and downloadable as a small certificate (JSON or PNG). Light: no TensorFlow."""

from __future__ import annotations

import streamlit as st

from core.base import exercises, language, text
from ui import i18n, session
from ui import progress as learner_progress


def record() -> dict[str, exercises.Grade]:
    """This session's best grade per exercise: a pass stays a pass."""
    return session.current().record


def keep(grade: exercises.Grade) -> None:
    """A pass stays a pass; the first pass with given settings on given data keeps its date. Every
    attempt is saved for the learner (`ui.progress`)."""
    learner_progress.keep_attempt(grade)
    record()[grade.exercise.key] = exercises.kept_grade(record().get(grade.exercise.key), grade)


def exercise_text(exercise: exercises.Exercise, field: str) -> str:
    """An exercise's title, task or criterion in this run's language (its lesson's catalogue entry)."""
    return exercises.exercise_text(exercise, field, i18n.words())


def said(value: object) -> str:
    """Something core chose: a message in this run's language, text as it is."""
    return i18n.say(value) if isinstance(value, language.Message) else str(value)


def record_ui(key: str, default_name: str = "") -> None:
    """The passed exercises so far, and the certificate to download. `default_name` fills in the
    learner's name until they give one (a signed-in learner's name)."""
    words = i18n.words()
    passed = [grade for grade in record().values() if grade.passed]
    kept = words(
        "ui.exercise.record.kept_in_tab" if learner_progress.learner() is None else "ui.exercise.record.kept_saved"
    )
    if not passed:
        st.caption(words("ui.exercise.record.none_yet", kept=kept))
        return
    names = ", ".join(
        words(
            "ui.exercise.record.week",
            week=grade.exercise.week,
            title=text.plain(exercise_text(grade.exercise, "title")),
        )
        for grade in passed
    )
    st.caption(words("ui.exercise.record.passed", names=names, kept=kept))
    certificate_ui(passed, key, default_name)


def certificate_ui(passed: list[exercises.Grade], where: str, default_name: str = "") -> None:
    """The learner's name and the certificate's two downloads beside it. Both files are made
    before the buttons are drawn (once per certificate and language, kept in the session), so each
    button holds its file itself: a press downloads at once, however soon after the other, and
    does not rerun the page. A callable made on a press would be registered anew on every rerun,
    and a second press that came before the new id reached the browser found nothing."""
    words = i18n.words()
    kept_name = session.current().certificate_name
    shown_name = (default_name or learner_progress.account_name()) if kept_name is None else kept_name
    name_column, *button_columns = st.columns([2, 1, 1], vertical_alignment="bottom")
    name = name_column.text_input(
        words("ui.exercise.record.name_label"),
        value=shown_name,
        max_chars=80,
        placeholder=words("ui.exercise.record.name_placeholder"),
        key=session.certificate_name_key(where),
    )
    if name != shown_name:
        session.current().certificate_name = name
    certificate = kept_certificate(passed, name)
    language = words.language
    if language not in certificate.json:
        certificate.json[language] = exercises.certificate_json(
            certificate.grades, name, certificate_id=certificate.certificate_id, words=words
        )
    if language not in certificate.pictures:
        certificate.pictures[language] = exercises.draw_certificate(
            certificate.grades, name, certificate_id=certificate.certificate_id, words=words
        )
    picture = certificate.pictures[language]
    downloads = (
        ("JSON", certificate.json[language], "json", "application/json", ":material/workspace_premium:"),
        ("PNG", picture.png, "png", "image/png", ":material/image:"),
    )
    for column, (kind, data, extension, mime, icon) in zip(button_columns, downloads, strict=True):
        column.download_button(
            words("ui.exercise.record.certificate", kind=kind),
            data,
            file_name=f"tensorflow-first-steps-certificate-{certificate.certificate_id[:8]}.{extension}",
            mime=mime,
            key=session.certificate_key(extension, where),
            on_click="ignore",
            icon=icon,
        )
    if picture.language != language:
        st.caption(words("ui.exercise.record.picture_in_english"))
    if picture.undrawn:
        st.caption(words("ui.exercise.record.undrawn", characters=text.plain(" ".join(picture.undrawn))))


def kept_certificate(passed: list[exercises.Grade], name: str) -> session.KeptCertificate:
    """The certificate of these passes for this name: the one kept in the session while they stay
    the same (its JSON and PNG share its id), else a new one with a new id."""
    kept = session.current().certificate
    if (
        kept is None
        or kept.learner != name
        or len(kept.grades) != len(passed)
        or any(kept_grade is not grade for kept_grade, grade in zip(kept.grades, passed, strict=True))
    ):
        kept = session.KeptCertificate(exercises.new_certificate_id(), name, tuple(passed))
        session.current().certificate = kept
        learner_progress.keep_certificate(kept.certificate_id, kept.grades, name)  # a teacher can look it up
    return kept


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
