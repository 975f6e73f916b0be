"""The teacher's view of the class (Step 15): one row per learner and the class's way through the
four lessons, built from the progress database's two views (`core.base.progress`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from core.base import course, language
from core.base.progress import LearnerProgress, LessonProgress

_SAID = "charts.class."


def overview_table(learners: Sequence[LearnerProgress], *, words: language.Words) -> pd.DataFrame:
    """One row per learner: name, exercises passed (by week) with their best grade, the best
    result per lesson, the number of runs and when they were last active (UTC)."""
    weeks = {lesson.key: lesson.number for lesson in course.LESSONS}
    rows = []
    for learner in learners:
        row: dict[str, object] = {
            words(_SAID + "columns.name"): learner.name,
            words(_SAID + "columns.email"): learner.email,
            words(_SAID + "columns.passed"): len(learner.passed),
        }
        for lesson in course.LESSONS:
            standing = next((kept for key, kept in learner.exercises.items() if _week(key) == lesson.number), None)
            row[words(_SAID + "columns.exercise", week=lesson.number)] = (
                ""
                if standing is None
                else words(
                    _SAID + ("passed" if standing.passed else "best"), share=words.percent(standing.best_score, 0)
                )
            )
        for key, number in weeks.items():
            score = learner.best_score.get(key)
            row[words(_SAID + "columns.best", lesson=number)] = None if score is None else round(score, 4)
        row[words(_SAID + "columns.runs")] = learner.runs
        row[words(_SAID + "columns.last_active")] = learner.last_active.strftime("%Y-%m-%d %H:%M")
        rows.append(row)
    return pd.DataFrame(rows)


def _week(exercise_key: str) -> int:
    """An exercise's week from its key ("week2_stop_at_98" -> 2)."""
    digits = exercise_key.removeprefix("week").split("_", 1)[0]
    return int(digits) if digits.isdigit() else 0


def matching(learners: Sequence[LearnerProgress], typed: str) -> list[LearnerProgress]:
    """The learners whose name or email holds what the teacher typed, in any case."""
    wanted = typed.strip().lower()
    return [learner for learner in learners if wanted in learner.name.lower() or wanted in learner.email.lower()]


def lesson_progress_chart(lessons: Sequence[LessonProgress], *, words: language.Words) -> go.Figure:
    """The class's way through the four lessons: per lesson, the learners who trained a run of it
    and those who passed its graded exercise, out of every learner with progress kept."""
    by_key = {lesson.lesson: lesson for lesson in lessons}
    names = [words(_SAID + "lesson", number=lesson.number) for lesson in course.LESSONS]
    learners = max((lesson.learners for lesson in lessons), default=0)
    figure = go.Figure()
    for field, key in (("with_runs", "trained"), ("passed_exercise", "passed_exercise")):
        counts = [getattr(by_key[lesson.key], field) if lesson.key in by_key else 0 for lesson in course.LESSONS]
        figure.add_bar(x=names, y=counts, name=words(_SAID + key))
    figure.update_layout(
        title=words(_SAID + "title", learners=learners),
        barmode="group",
        yaxis={
            "title": {"text": words(_SAID + "learners_axis")},
            "range": [0, max(1, learners)],
            "dtick": 1 if learners <= 10 else None,
        },
        height=360,
        margin={"t": 60, "b": 40},
    )
    return figure


def certificate_lines(payload: dict[str, object], *, words: language.Words) -> list[str]:
    """A kept certificate as the teacher checks it: each exercise it records, passed or not, and when."""
    listed = payload.get("exercises")
    entries = [entry for entry in listed if isinstance(entry, dict)] if isinstance(listed, list) else []
    return [
        words(
            _SAID + ("certificate_passed" if entry.get("passed") else "certificate_failed"),
            week=entry.get("week", "?"),
            title=entry.get("exercise", ""),
            date=entry.get("date", ""),
        )
        for entry in entries
    ]
