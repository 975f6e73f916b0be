"""The one typed session (`ui.session`): the app's values as one entry of any session state, a
lesson's runs compared by data set, a track's widgets keyed apart from its lesson's other track."""

from __future__ import annotations

from core.base import course
from core.base import runs as run_history
from ui import session


def run(number: int, data_set: str, lesson: course.Lesson = course.COMPUTER_VISION) -> run_history.RunRecord:
    return run_history.RunRecord(lesson.key, number, {}, loss=(0.5,), seconds=1.0, data_set=data_set)


def test_the_apps_values_are_one_entry_of_the_session_state_made_on_first_use():
    state: dict = {}
    made = session.of(state)
    assert state == {session.KEY: made} and made == session.Session()
    made.track(course.HELLO_WORLD.track).runs.append(run(1, ""))
    assert session.of(state).track(course.HELLO_WORLD.track).runs == [run(1, "")]  # the same values next run


def test_a_lesson_and_its_exercise_keep_their_trainings_apart():
    kept = session.Session()
    kept.track(course.COMPUTER_VISION.track).runs.append(run(1, "Fashion-MNIST"))
    assert kept.track(course.COMPUTER_VISION.exercise_track).runs == []
    assert course.COMPUTER_VISION.track != course.COMPUTER_VISION.exercise_track
    own, exercise = course.COMPUTER_VISION.track, course.COMPUTER_VISION.exercise_track
    assert session.stop_key(own) != session.stop_key(exercise)
    assert (own.key, exercise.key) == ("computer_vision", "computer_vision_exercise")


def test_runs_on_a_data_set_come_from_every_track_that_trained_on_it_and_no_other():
    kept = session.Session()
    kept.track(course.COMPUTER_VISION.track).runs += [run(1, "Fashion-MNIST"), run(2, "Fashion-MNIST")]
    kept.track(course.COMPUTER_VISION.exercise_track).runs.append(run(1, "MNIST"))
    kept.track(course.CONVOLUTIONS.track).runs.append(run(1, "Fashion-MNIST", course.CONVOLUTIONS))
    kept.track(course.REAL_WORLD_IMAGES.track).runs.append(run(1, "", course.REAL_WORLD_IMAGES))
    found = [(record.lesson, record.number) for record in kept.runs_on("Fashion-MNIST")]
    assert found == [("computer_vision", 1), ("computer_vision", 2), ("convolutions", 1)]
    assert [record.number for record in kept.runs_on("MNIST")] == [1]
    assert kept.runs_on("CIFAR-10") == []


def test_controls_whose_values_were_refused_are_noted_once_each():
    state: dict = {}
    session.note_refused(state, ["cv_units", "cv_lr"])
    session.note_refused(state, ["cv_lr", "hw_seed"])
    assert session.of(state).refused == ("cv_units", "cv_lr", "hw_seed")
