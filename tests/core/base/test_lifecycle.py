"""A job's lifecycle, without Streamlit, threads or TensorFlow: the runner's moves between states
(`jobs.advance`) and every transition of a page's track (`lifecycle.next_state`), legal and not."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.base import jobs, lifecycle
from core.base.history import TrainingHistory
from core.base.jobs import JobState


def build(config, data):  # never called: these tests only move records
    raise AssertionError("a lifecycle test built a model")


def spec(epochs: int = 5, time_limit_s: float | None = None) -> jobs.TrainingJob:
    return jobs.TrainingJob("computer_vision", epochs, build, make_model=build, time_limit_s=time_limit_s)


def history(epochs_run: int, planned: int = 5, cancelled: bool = False, timed_out: bool = False) -> TrainingHistory:
    return TrainingHistory(planned, loss=[0.5] * epochs_run, cancelled=cancelled, timed_out=timed_out)


def result(trained: TrainingHistory) -> jobs.JobResult:
    return jobs.JobResult([np.zeros(2)], trained, evaluation=None, held_out=None)


def status(
    job_id: str, state: JobState, trained: TrainingHistory | None = None, error: str | None = None
) -> jobs.JobStatus:
    return jobs.JobStatus(
        job_id, "learner", "computer_vision", state, 5, result=None if trained is None else result(trained), error=error
    )


FIRST, SECOND = spec(5), spec(10)
RUNNING = lifecycle.TrackJobs(active=lifecycle.ActiveJob("job-1", FIRST, JobState.RUNNING))


# The runner's moves.


@pytest.mark.parametrize(
    ("state", "to"),
    [
        (JobState.QUEUED, JobState.RUNNING),  # a slot is free
        (JobState.QUEUED, JobState.STOPPED),  # cancelled while it waited
        (JobState.RUNNING, JobState.FINISHED),
        (JobState.RUNNING, JobState.STOPPED),
        (JobState.RUNNING, JobState.FAILED),
    ],
)
def test_the_runner_moves_a_job_forward(state, to):
    assert jobs.advance(state, to) is to


LEGAL = {
    (JobState.QUEUED, JobState.RUNNING),
    (JobState.QUEUED, JobState.STOPPED),
    (JobState.RUNNING, JobState.FINISHED),
    (JobState.RUNNING, JobState.STOPPED),
    (JobState.RUNNING, JobState.FAILED),
}


@pytest.mark.parametrize(
    ("state", "to"), [pair for pair in itertools.product(JobState, JobState) if pair not in LEGAL], ids=str
)
def test_every_other_move_of_the_runner_is_illegal(state, to):
    """An ended job never moves again, a running one never goes back to the queue, and a waiting
    one cannot end with a result it never trained."""
    with pytest.raises(jobs.IllegalTransition, match=f"A {state.value} job cannot become {to.value}"):
        jobs.advance(state, to)


def test_only_the_queued_and_the_running_job_are_active():
    assert [state for state in JobState if state.active] == [JobState.QUEUED, JobState.RUNNING]


# The page's track: Train, the question, Stop.


def test_train_with_nothing_active_submits_the_settings_and_changes_nothing_yet():
    step = lifecycle.next_state(lifecycle.TrackJobs(), lifecycle.Train(FIRST))
    assert step == lifecycle.Step(lifecycle.TrackJobs(), (lifecycle.Submit(FIRST),))


def test_the_runner_queuing_the_settings_makes_them_the_active_job():
    step = lifecycle.next_state(lifecycle.TrackJobs(), lifecycle.Queued("job-1", FIRST))
    assert step.track.active == lifecycle.ActiveJob("job-1", FIRST, JobState.QUEUED, stopping=False)
    assert step.actions == ()


def test_a_full_queue_is_said_once_and_nothing_is_followed():
    step = lifecycle.next_state(lifecycle.TrackJobs(), lifecycle.Refused("The server is busy."))
    assert step.track.active is None
    assert step.track.notices == (lifecycle.Notice(lifecycle.Ending.BUSY, "The server is busy."),)
    shown = lifecycle.next_state(step.track, lifecycle.NoticesShown())
    assert shown == lifecycle.Step(lifecycle.TrackJobs())


def test_train_while_a_job_is_active_asks_first_and_starts_nothing():
    step = lifecycle.next_state(RUNNING, lifecycle.Train(SECOND))
    assert step.track.pending is SECOND and step.track.active == RUNNING.active and not step.track.replacing
    assert step.actions == ()


def test_replace_stops_the_active_job_and_keeps_the_settings_for_when_it_has_ended():
    asked = lifecycle.next_state(RUNNING, lifecycle.Train(SECOND)).track
    step = lifecycle.next_state(asked, lifecycle.Replace())
    assert step.actions == (lifecycle.Cancel("job-1"),)
    assert step.track.replacing and step.track.pending is SECOND and step.track.active == RUNNING.active


def test_replace_after_the_active_job_ended_trains_the_settings_at_once():
    asked = lifecycle.TrackJobs(pending=SECOND)
    step = lifecycle.next_state(asked, lifecycle.Replace())
    assert step == lifecycle.Step(lifecycle.TrackJobs(), (lifecycle.Submit(SECOND),))


def test_keep_drops_the_waiting_settings_and_the_job_trains_on():
    asked = lifecycle.next_state(RUNNING, lifecycle.Train(SECOND)).track
    step = lifecycle.next_state(asked, lifecycle.Keep())
    assert step == lifecycle.Step(RUNNING)


def test_keep_after_replace_takes_the_answer_back():
    replacing = lifecycle.TrackJobs(active=RUNNING.active, pending=SECOND, replacing=True)
    kept = lifecycle.next_state(replacing, lifecycle.Keep()).track
    assert kept == RUNNING  # its end no longer starts anything


def test_stop_cancels_the_job_once_and_marks_it_stopping():
    step = lifecycle.next_state(RUNNING, lifecycle.Stop())
    assert step.actions == (lifecycle.Cancel("job-1"),) and step.track.active.stopping
    with pytest.raises(jobs.IllegalTransition, match="already stopping"):
        lifecycle.next_state(step.track, lifecycle.Stop())


@pytest.mark.parametrize(
    ("track", "event", "said"),
    [
        (lifecycle.TrackJobs(), lifecycle.Stop(), "no training to stop"),
        (lifecycle.TrackJobs(), lifecycle.Replace(), "no waiting settings"),
        (RUNNING, lifecycle.Replace(), "no waiting settings"),  # nobody was asked
        (RUNNING, lifecycle.Keep(), "no waiting settings"),
        (RUNNING, lifecycle.Queued("job-2", SECOND), "while job job-1 is active"),  # one active job per track
        (lifecycle.TrackJobs(), lifecycle.Polled(None), "no job to poll"),
        (RUNNING, lifecycle.Polled(status("job-9", JobState.RUNNING)), "follows job job-1"),
        (RUNNING, lifecycle.Polled(status("job-1", JobState.QUEUED)), "cannot go back to the queue"),
    ],
)
def test_events_that_cannot_happen_in_a_state_are_refused(track, event, said):
    with pytest.raises(jobs.IllegalTransition, match=said):
        lifecycle.next_state(track, event)


def test_something_that_is_no_event_is_refused():
    with pytest.raises(jobs.IllegalTransition, match="Not an event"):
        lifecycle.next_state(RUNNING, "Train")  # type: ignore[arg-type]


# The page's polls: queued → running → finished, stopped or failed, or lost.


def test_polls_follow_a_job_from_the_queue_into_training():
    queued = lifecycle.TrackJobs(active=lifecycle.ActiveJob("job-1", FIRST))
    still = lifecycle.next_state(queued, lifecycle.Polled(status("job-1", JobState.QUEUED)))
    assert still == lifecycle.Step(queued)
    started = lifecycle.next_state(queued, lifecycle.Polled(status("job-1", JobState.RUNNING)))
    assert started == lifecycle.Step(RUNNING)
    assert lifecycle.next_state(RUNNING, lifecycle.Polled(status("job-1", JobState.RUNNING))) == started


def test_a_finished_job_is_recorded_once_then_forgotten_without_a_notice():
    ended = status("job-1", JobState.FINISHED, history(5))
    step = lifecycle.next_state(RUNNING, lifecycle.Polled(ended))
    assert step.actions == (lifecycle.Record("job-1", FIRST, ended.result), lifecycle.Forget("job-1"))
    assert step.track == lifecycle.TrackJobs()  # nothing followed: the next poll records nothing
    with pytest.raises(jobs.IllegalTransition):
        lifecycle.next_state(step.track, lifecycle.Polled(ended))


def test_a_job_seen_queued_then_ended_is_recorded_though_no_poll_saw_it_train():
    queued = lifecycle.TrackJobs(active=lifecycle.ActiveJob("job-1", FIRST))
    ended = status("job-1", JobState.FINISHED, history(5))
    step = lifecycle.next_state(queued, lifecycle.Polled(ended))
    assert [type(action) for action in step.actions] == [lifecycle.Record, lifecycle.Forget]


def test_a_stopped_job_is_recorded_and_says_how_far_it_got():
    ended = status("job-1", JobState.STOPPED, history(2, planned=5, cancelled=True))
    step = lifecycle.next_state(RUNNING, lifecycle.Polled(ended))
    assert step.actions[0] == lifecycle.Record("job-1", FIRST, ended.result)
    [notice] = step.track.notices
    assert notice.ending is lifecycle.Ending.STOPPED
    assert str(notice.text).startswith("Training was stopped after 2 of 5 epochs")


def test_a_job_at_the_servers_time_limit_is_recorded_and_names_the_limit():
    limited = lifecycle.TrackJobs(active=lifecycle.ActiveJob("job-1", spec(5, time_limit_s=600.0), JobState.RUNNING))
    ended = status("job-1", JobState.STOPPED, history(3, cancelled=True, timed_out=True))
    step = lifecycle.next_state(limited, lifecycle.Polled(ended))
    assert isinstance(step.actions[0], lifecycle.Record)
    [notice] = step.track.notices
    assert (
        notice.ending is lifecycle.Ending.TIME_LIMIT
        and "limit of 600 s" in str(notice.text)
        and "3 of 5" in str(notice.text)
    )


@pytest.mark.parametrize(
    "ended",
    [
        status("job-1", JobState.STOPPED),  # cancelled while it waited: no result at all
        status("job-1", JobState.STOPPED, history(0, cancelled=True)),  # stopped inside its first epoch
    ],
)
def test_a_job_stopped_before_its_first_epoch_records_nothing(ended):
    step = lifecycle.next_state(RUNNING, lifecycle.Polled(ended))
    assert step.actions == (lifecycle.Forget("job-1"),)
    assert step.track.notices == (lifecycle.Notice(lifecycle.Ending.NOTHING_TRAINED, lifecycle.NOTHING_TRAINED),)


def test_a_failed_job_records_nothing_and_says_why_in_the_runners_words():
    ended = status("job-1", JobState.FAILED, error="Training ran out of memory.")
    step = lifecycle.next_state(RUNNING, lifecycle.Polled(ended))
    assert step.actions == (lifecycle.Forget("job-1"),)
    assert step.track.notices == (lifecycle.Notice(lifecycle.Ending.FAILED, "Training ran out of memory."),)
    unexplained = lifecycle.next_state(RUNNING, lifecycle.Polled(status("job-1", JobState.FAILED)))
    assert str(unexplained.track.notices[0].text) == "Training failed."


def test_a_lost_job_is_said_and_the_waiting_settings_still_wait_for_an_answer():
    asked = lifecycle.TrackJobs(active=RUNNING.active, pending=SECOND, replacing=True)
    step = lifecycle.next_state(asked, lifecycle.Polled(None))
    assert step.actions == ()  # nothing to record or forget: the runner no longer knows it
    assert step.track == lifecycle.TrackJobs(
        pending=SECOND, notices=(lifecycle.Notice(lifecycle.Ending.LOST, lifecycle.LOST),)
    )


def test_the_end_of_a_replaced_job_records_it_then_trains_the_waiting_settings():
    replacing = lifecycle.TrackJobs(active=RUNNING.active, pending=SECOND, replacing=True)
    ended = status("job-1", JobState.STOPPED, history(2, cancelled=True))
    step = lifecycle.next_state(replacing, lifecycle.Polled(ended))
    assert step.actions == (
        lifecycle.Record("job-1", FIRST, ended.result),
        lifecycle.Forget("job-1"),
        lifecycle.Submit(SECOND),
    )
    assert step.track.active is None and step.track.pending is None and not step.track.replacing
    queued = lifecycle.next_state(step.track, lifecycle.Queued("job-2", SECOND)).track
    assert queued.active == lifecycle.ActiveJob("job-2", SECOND)


def test_the_end_of_a_job_leaves_settings_nobody_answered_for_waiting():
    asked = lifecycle.TrackJobs(active=RUNNING.active, pending=SECOND)
    step = lifecycle.next_state(asked, lifecycle.Polled(status("job-1", JobState.FINISHED, history(5))))
    assert lifecycle.Submit(SECOND) not in step.actions
    assert step.track.pending is SECOND and step.track.active is None
    assert lifecycle.next_state(step.track, lifecycle.Replace()).actions == (lifecycle.Submit(SECOND),)


def test_notices_pile_up_until_the_page_shows_them():
    track = lifecycle.next_state(lifecycle.TrackJobs(), lifecycle.Refused("busy once")).track
    track = lifecycle.next_state(track, lifecycle.Refused("busy twice")).track
    assert [notice.text for notice in track.notices] == ["busy once", "busy twice"]
    assert lifecycle.next_state(track, lifecycle.NoticesShown()).track.notices == ()
