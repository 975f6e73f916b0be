"""Core's shared messages said in Korean, their English unchanged: the words a page shows come from
the catalogues, and `str()` of each is what records, logs and the existing tests read."""

from __future__ import annotations

import pytest

from core.base import exercises, fair_queue, history, language, lifecycle, links, runs, table_edits

KOREAN, ENGLISH = language.words("ko"), language.words("en")


@pytest.mark.parametrize("outcome", list(history.Outcome))
def test_every_outcome_is_said_in_both_languages_and_its_english_is_its_value(outcome):
    assert ENGLISH.say(outcome.message) == outcome.value
    assert KOREAN.say(outcome.message) != outcome.value


def test_the_progress_line_is_said_in_korean_and_its_english_is_the_old_status_line():
    running = history.progress_so_far(history.TrainingHistory(5, loss=[1.0]), step_in_epoch=3, steps_per_epoch=10)
    assert running.status_line == str(running.status_message) and running.status_line.startswith(
        "Epoch 2/5, batch 3/10"
    )
    assert KOREAN.say(running.status_message).startswith("에포크 2/5, 배치 3/10")
    stopped = history.TrainingHistory(5, loss=[1.0, 0.5], stopped_at_target=2)
    assert "목표에 도달해 멈춤" in KOREAN.say(history.progress_so_far(stopped, 0, 10).status_message)


def test_the_runs_table_heads_and_words_its_cells_in_the_pages_language():
    record = runs.RunRecord(
        "computer_vision", 1, {"epochs": 3, "stop": "accuracy ≥ 0.9"}, (1.0, 0.5), 1.0, {"test accuracy": 0.8}
    )
    other = runs.RunRecord("computer_vision", 2, {"epochs": 5, "stop": runs.OFF}, (1.0,), 1.0, {"test accuracy": 0.9})
    english = runs.runs_table([record, other], words=ENGLISH)
    assert list(english.columns) == ["run", "settings", "outcome", "final loss", "test accuracy", "time (s)"]
    korean = runs.runs_table([record, other], words=KOREAN)
    assert list(korean.columns) == ["실행", "설정", "결과", "최종 손실", "테스트 정확도", "시간(초)"]
    assert list(korean["설정"]) == ["epochs=3, stop=정확도 ≥ 0.9", "epochs=5, stop=끔"]
    assert korean["결과"][1] == "완료, 에포크 1개"


def test_a_busy_server_is_said_in_korean_and_stays_a_value_error():
    with pytest.raises(ValueError, match="The server is busy: 1 training from your account already waits") as busy:
        fair_queue.check_room(
            "account:a",
            [fair_queue.Place("job-1", 1, 40.0)],
            {"job-1": "account:a"},
            2,
            fair_queue.QueueLimits(per_client=1),
        )
    assert isinstance(busy.value, fair_queue.ServerBusy) and busy.value.retry_after_s == 40.0
    assert "내 계정" in KOREAN.say(busy.value.message) and "약 40초" in KOREAN.say(busy.value.message)


def test_graded_checks_keep_their_english_and_say_it_in_korean():
    stops, keeps = exercises.callback_checks(exercises.CallbackRule("accuracy", ">", 0.98), [0.98], [0.5])
    assert (stops.name, stops.measured) == ("callback stops at accuracy 0.98", "kept training")
    name, measured, hint = stops.said(KOREAN)
    assert "0.98" in name and measured == "훈련 계속함" and hint and hint != stops.hint
    assert keeps.said(ENGLISH) == (keeps.name, keeps.measured, keeps.hint)


def test_notes_and_notices_are_said_in_korean():
    assert "외 2개" in links.LinkReading(unused=tuple(f"n{i}" for i in range(12))).note_in(KOREAN)
    assert links.refused_note(["a"], words=KOREAN) != links.refused_note(["a"])
    problem = table_edits.problem_with({"edited_rows": {"9": {"x": 1}}}, 3, ["x"], 10)
    assert str(problem) == "A change was addressed to row '9', which the table does not have."
    assert KOREAN.say(problem) != str(problem)
    assert KOREAN.say(lifecycle.LOST) != str(lifecycle.LOST)


def test_a_korean_certificate_names_the_course_in_korean():
    assert "채점" in exercises.certificate_json([], words=KOREAN).decode()
    assert b"graded exercises" in exercises.certificate_json([])
