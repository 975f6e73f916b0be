"""A problem shown to the learner in the page's language: core's `LearnerError`s (and its failed
downloads) carry their words as a message; any other error is shown as it reads."""

from __future__ import annotations

from core.base import language
from ui import i18n


def kept(problem: ValueError) -> language.Message | str:
    """What to keep of a refusal to say it again on a later run, in whichever language that run
    speaks: its message, not the exception (whose traceback would hold the refused upload)."""
    message = getattr(problem, "message", None)
    return message if isinstance(message, language.Message) else str(problem)


def raised_again(why: language.Message | str) -> ValueError:
    """A refusal kept by `kept`, as the error it was."""
    if isinstance(why, language.Message):
        return language.LearnerError(why.key, **why.values)
    return ValueError(why)


def said(problem: BaseException) -> str:
    """The problem in this run's language (plain text: the page decides how to show it)."""
    message = getattr(problem, "message", None)
    if isinstance(message, language.Message):
        return i18n.say(message)
    return str(problem)
