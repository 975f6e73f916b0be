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

SHOWN_NAMES = 10  # a note names this many unused settings, then counts the rest
NAME_CHARACTERS = 40  # a name or value from a link is cut to this length in the note


@dataclass(frozen=True)
class LinkReading:
    """What a lesson did with the settings a link brought."""

    unused: tuple[str, ...] = ()  # parameters it did not use: unknown, or a value its widget refused
    adjusted: tuple[tuple[str, str, object], ...] = ()  # (name, value sent, value used): 3.5 taken as 3

    @property
    def note(self) -> str | None:
        """The note for the learner, or None when the page used every setting as sent."""
        sentences = []
        if self.unused:
            count = len(self.unused)
            names = [_cut(name) for name in self.unused[:SHOWN_NAMES]]
            if count > SHOWN_NAMES:
                names.append(f"and {count - SHOWN_NAMES} more")
            listed = ", ".join(names) if count <= SHOWN_NAMES else ", ".join(names[:-1]) + " " + names[-1]
            were = "setting in the link was" if count == 1 else "settings in the link were"
            sentences.append(
                f"{count} {were} not used (unknown to this page, or a value its controls do not offer): {listed}."
            )
        for name, sent, used in self.adjusted:
            sentences.append(f"{_cut(name)}={_cut(sent)} was used as {used} (a whole number).")
        return " ".join(sentences) or None


def refused_note(names: Sequence[str]) -> str | None:
    """The note for controls sent a value of a kind they do not take (a number for a choice,
    text that is no table), which only a hand-made client sends: each kept the value it had."""
    if not names:
        return None
    listed = ", ".join(_cut(name) for name in names[:SHOWN_NAMES])
    if len(names) > SHOWN_NAMES:
        listed += f" and {len(names) - SHOWN_NAMES} more"
    if len(names) == 1:
        said = "1 setting was sent a value of a kind its control does not take, and kept the value it had"
    else:
        said = (
            f"{len(names)} settings were sent values of a kind their controls do not take, and kept the values they had"
        )
    return f"{said}: {listed}."


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
