"""Lesson 4's point in the words of the classes on screen, whatever case the folders are named in."""

from __future__ import annotations

import pytest

from core.base import language
from core.real_world_images import class_words

ENGLISH = language.words("en")


@pytest.mark.parametrize(
    ("class_names", "learn", "try_first"),
    [
        (("horses", "humans"), "what a horse *is*", "Try photos unlike the training set: a real horse"),
        (("Horses", "HUMANS"), "what a horse *is*", "Try photos unlike the training set: a real horse"),
        (("circles", "squares"), "what a circle *is*, wherever it is drawn", "Try a drawing of your own"),
        (("cats", "dogs"), "what each class *is*", "Try photos unlike the ones in your folder"),
        (("humans", "horses"), "what each class *is*", "Try photos unlike the ones in your folder"),  # order counts
        (("horses", "humans", "zebras"), "what each class *is*", "Try photos unlike the ones in your folder"),
    ],
)
def test_the_words_follow_the_classes(class_names, learn, try_first):
    assert class_words.what_to_learn(class_names, words=ENGLISH).startswith(learn)
    assert class_words.try_these(class_names, words=ENGLISH).startswith(try_first)


def test_korean_names_the_classes_too():
    korean = language.words("ko")
    assert class_words.what_to_learn(("horses", "humans"), words=korean) == korean(
        "real_world_images.what_to_learn.horse_or_human"
    )
