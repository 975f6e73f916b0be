"""Links that reproduce an experiment: which of a link's settings a lesson used.

Every lesson's settings widgets are bound to the page's address, so a link opens the same
experiment with the same seed. A link can also carry what no widget takes: a parameter the page
does not know, a value out of range or not a number. The widget then keeps its default, and a
whole-number widget sent a fraction takes the whole part (Streamlit's `int()`), as `cv_epochs=3.5`
trains 3 epochs. The page says which settings were not used and which were taken differently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.base import language

SHOWN_NAMES = 10  # a note names this many unused settings, then counts the rest
NAME_CHARACTERS = 40  # a name or value from a link is cut to this length in the note


@dataclass(frozen=True)
class LinkReading:
    """What a lesson did with the settings a link brought."""

    unused: tuple[str, ...] = ()  # parameters it did not use: unknown, or a value its widget refused
    adjusted: tuple[tuple[str, str, object], ...] = ()  # (name, value sent, value used): 3.5 taken as 3

    @property
    def note(self) -> str | None:
        """The note for the learner in English, or None when the page used every setting as sent."""
        return self.note_in(language.words(language.DEFAULT))

    def note_in(self, words: language.Words) -> str | None:
        """The note in the learner's language, or None when the page used every setting as sent."""
        sentences = []
        if self.unused:
            count = len(self.unused)
            listed = _listed(self.unused, words)
            sentences.append(words(_SAID + ("unused_one" if count == 1 else "unused_many"), count=count, listed=listed))
        for name, sent, used in self.adjusted:
            sentences.append(words(_SAID + "adjusted", name=_cut(name), sent=_cut(sent), used=used))
        return " ".join(sentences) or None


_SAID = "base.messages.links."


def _listed(names: Sequence[str], words: language.Words) -> str:
    """The first names with commas, then "and N more" when there are more."""
    shown = ", ".join(_cut(name) for name in names[:SHOWN_NAMES])
    if len(names) <= SHOWN_NAMES:
        return shown
    return f"{shown} {words(_SAID + 'and_more', count=len(names) - SHOWN_NAMES)}"


def refused_note(names: Sequence[str], *, words: language.Words | None = None) -> str | None:
    """The note for controls sent a value of a kind they do not take (a number for a choice,
    text that is no table), which only a hand-made client sends: each kept the value it had.
    In the learner's language (English when no words are given)."""
    if not names:
        return None
    words = words or language.words(language.DEFAULT)
    key = "refused_one" if len(names) == 1 else "refused_many"
    return words(_SAID + key, count=len(names), listed=_listed(names, words))


def read_link(sent: Mapping[str, str], values: Mapping[str, object]) -> LinkReading:
    """Compares the settings a link sent with the values the page's widgets took (`values`: the
    page's session state, which holds every widget's value under its key)."""
    unused, adjusted = [], []
    for name, value in sent.items():
        if name not in values:
            unused.append(name)
        elif _same(value, values[name]):
            continue
        elif _whole_part(value, values[name]):
            adjusted.append((name, value, values[name]))
        else:
            unused.append(name)
    return LinkReading(tuple(sorted(unused)), tuple(adjusted))


def _same(sent: str, value: object) -> bool:
    """Whether a widget took the value a link sent (numbers compared as numbers)."""
    if isinstance(value, bool):
        return sent.lower() == str(value).lower()
    if isinstance(value, int | float):
        number = _number(sent)
        return number is not None and math.isclose(number, float(value), rel_tol=1e-9, abs_tol=1e-12)
    return sent == str(value)


def _whole_part(sent: str, value: object) -> bool:
    """Whether a whole-number widget took the whole part of a fraction it was sent (3.5 as 3)."""
    number = _number(sent)
    if number is None or isinstance(value, bool) or not isinstance(value, int):
        return False
    return math.isfinite(number) and int(number) == value


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _cut(text: str) -> str:
    return text if len(text) <= NAME_CHARACTERS else text[: NAME_CHARACTERS - 1] + "…"
