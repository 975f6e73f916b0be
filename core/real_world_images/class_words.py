"""Lesson 4's point in the words of the classes on screen: the course's horses and humans, the
synthetic sample's circles and squares, or whatever a learner's own folders are called."""

from __future__ import annotations

from collections.abc import Sequence

from core.real_world_images import familiarity


def _names(class_names: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(name).lower() for name in class_names)


def what_to_learn(class_names: Sequence[str]) -> str:
    """What the network has to learn, since no two photos are framed alike."""
    names = _names(class_names)
    if names == familiarity.SYNTHETIC:
        return "what a circle *is*, wherever it is drawn and whatever its colours"
    if names == familiarity.HORSE_OR_HUMAN:
        return "what a horse *is*"
    return "what each class *is*"


def try_these(class_names: Sequence[str]) -> str:
    """What to show the trained network, in the words of the classes it knows."""
    names = _names(class_names)
    if names == familiarity.SYNTHETIC:
        return "Try a drawing of your own, a real round thing (a coin, a plate), or any photo at all."
    if names == familiarity.HORSE_OR_HUMAN:
        return (
            "Try photos unlike the training set: a real horse in a field, people in an office, a person in a costume."
        )
    return "Try photos unlike the ones in your folder: other backgrounds, other lighting, other framing."
