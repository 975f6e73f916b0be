"""Lesson 4's point in the words of the classes on screen: the course's horses and humans, the
synthetic sample's circles and squares, or whatever a learner's own folders are called."""

from __future__ import annotations

from collections.abc import Sequence

from core.base import language
from core.real_world_images import familiarity


def _kind(class_names: Sequence[str]) -> str:
    """Which folders these are, as the catalogue names them: synthetic, horse_or_human or other."""
    names = tuple(str(name).lower() for name in class_names)
    if names == familiarity.SYNTHETIC:
        return "synthetic"
    if names == familiarity.HORSE_OR_HUMAN:
        return "horse_or_human"
    return "other"


def what_to_learn(class_names: Sequence[str], *, words: language.Words) -> str:
    """What the network has to learn, since no two photos are framed alike."""
    return words(f"real_world_images.what_to_learn.{_kind(class_names)}")


def try_these(class_names: Sequence[str], *, words: language.Words) -> str:
    """What to show the trained network, in the words of the classes it knows."""
    return words(f"real_world_images.try_these.{_kind(class_names)}")
