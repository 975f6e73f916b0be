"""A problem shown to the learner in the page's language: core's `LearnerError`s (and its failed
downloads) carry their words as a message; any other error is shown as it reads."""

from __future__ import annotations

from core.base import language
from ui import i18n


def said(problem: BaseException) -> str:
    """The problem in this run's language (plain text: the page decides how to show it)."""
    message = getattr(problem, "message", None)
    if isinstance(message, language.Message):
        return i18n.say(message)
    return str(problem)
