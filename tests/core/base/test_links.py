"""Which of a link's settings a lesson used, against values its widgets took as Streamlit gives them."""

from __future__ import annotations

from core.base import links

# What Lesson 2's widgets hold after the walk's tampered link: epochs 3.5 became 3 (Streamlit's
# int()), the seed and the learning rate were taken as sent, an out-of-range share kept its default.
WIDGETS = {"cv_epochs": 3, "cv_seed": 7, "cv_lr": 0.01, "cv_percent": 100, "cv_scale": False, "learner": "abc123"}


def test_settings_taken_as_sent_are_not_mentioned():
    reading = links.read_link({"cv_seed": "7", "cv_lr": "0.010", "cv_scale": "false"}, WIDGETS)
    assert reading == links.LinkReading() and reading.note is None


def test_a_fraction_a_whole_number_widget_took_is_said_as_used_not_as_unused():
    reading = links.read_link({"cv_epochs": "3.5"}, WIDGETS)
    assert reading.unused == () and reading.adjusted == (("cv_epochs", "3.5", 3),)
    assert reading.note == "cv_epochs=3.5 was used as 3 (a whole number)."


def test_unknown_names_and_refused_values_are_counted_and_named():
    sent = {"cv_percent": "250", "bogus": "1", "learner": "someone-else", "cv_epochs": "3.5"}
    reading = links.read_link(sent, WIDGETS)
    assert reading.unused == ("bogus", "cv_percent", "learner")
    assert reading.note.startswith(
        "3 settings in the link were not used (unknown to this page, or a value its controls do not offer): "
        "bogus, cv_percent, learner."
    )
    assert reading.note.endswith("cv_epochs=3.5 was used as 3 (a whole number).")


def test_thirteen_unused_settings_are_all_counted_and_the_first_ten_named():
    """The walk's note named 8 of 13 without saying so."""
    sent = {f"extra_{number:02d}": "1" for number in range(13)}
    note = links.read_link(sent, WIDGETS).note
    assert note.startswith("13 settings in the link were not used")
    assert "extra_09 and 3 more." in note and "extra_10" not in note


def test_one_unused_setting_reads_in_the_singular_and_long_names_are_cut():
    note = links.read_link({"x" * 500: "1"}, WIDGETS).note
    assert note.startswith("1 setting in the link was not used") and "x" * 39 + "…." in note
    assert len(note) < 200


def test_a_fraction_sent_to_a_widget_that_refused_it_is_unused():
    """cv_seed=-4.5 is out of range: the widget kept 7 (say), not int(-4.5)."""
    assert links.read_link({"cv_seed": "-4.5"}, WIDGETS).unused == ("cv_seed",)
    assert links.read_link({"cv_seed": "nan"}, WIDGETS).unused == ("cv_seed",)


def test_controls_sent_a_value_of_the_wrong_kind_are_named_as_the_unused_settings_are():
    assert links.refused_note(()) is None
    assert links.refused_note(["cv_optimizer"]) == (
        "1 setting was sent a value of a kind its control does not take, and kept the value it had: cv_optimizer."
    )
    note = links.refused_note([f"extra_{number:02d}" for number in range(13)] + ["y" * 500])
    assert note.startswith("14 settings were sent values of a kind their controls do not take")
    assert note.endswith("extra_09 and 4 more.") and "extra_10" not in note
