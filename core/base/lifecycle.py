"""A training's lifecycle as pure transitions: queued → running → finished, stopped or failed.

Two parties follow every job. The runner moves it as it waits, trains and ends
(`core.base.jobs.advance`, over the states of `JobState`). The page follows its learner's job in
one track, a lesson's experiment or its graded exercise (`next_state`): Train queues the
settings, or asks first while a job is still active ("Stop it and train the new settings"); Stop
asks the job to end, keeping what it trained; each poll sees the job start and end, has it
recorded once, says how it ended, and starts the settings that were waiting. Both are frozen
records and functions, with no Streamlit, threads or TensorFlow, so every move and every illegal
one is a unit test; the page renders the state it is given and carries out the actions a
transition returns.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from core.base import jobs, language


class Ending(enum.Enum):
    """What the page tells the learner about a job that has left its track, besides its results."""

    FAILED = "failed"  # the training raised; the runner's words say why
    NOTHING_TRAINED = "nothing trained"  # stopped before its first epoch ended: nothing is recorded
    TIME_LIMIT = "time limit"  # a shared server's limit for one training; what it trained is recorded
    STOPPED = "stopped"  # Stop was pressed; what it trained is recorded
    LOST = "lost"  # the runner no longer knows the job (the server restarted, the session idled)
    BUSY = "busy"  # the server's queue had no room, so it was never queued


@dataclass(frozen=True)
class Notice:
    """A message shown once, on the page's next full run (a polling fragment cannot write above itself)."""

    ending: Ending
    text: str | language.Message  # a message is said in the learner's language; `str()` is the English


@dataclass(frozen=True)
class ActiveJob:
    """The job a track is following: the runner's id for it and what it trains."""

    job_id: str
    spec: jobs.TrainingJob  # what it trains; the page rebuilds the trained model from it
    state: jobs.JobState = jobs.JobState.QUEUED  # as the page last saw it
    stopping: bool = False  # Stop was pressed; it ends after its current chunk of steps


@dataclass(frozen=True)
class TrackJobs:
    """One track's trainings as the page sees them: at most one active job, and the settings of a
    Train pressed while it was active, waiting for the learner's answer."""

    active: ActiveJob | None = None
    pending: jobs.TrainingJob | None = None  # settings to train next, once the learner says so
    replacing: bool = False  # the learner chose to stop the active job and train the pending settings
    notices: tuple[Notice, ...] = ()  # said once, on the page's next full run


# What happens to a track: the learner's presses, the runner's answers, and the page's polls.


@dataclass(frozen=True)
class Train:
    """Train was pressed with these settings."""

    spec: jobs.TrainingJob


@dataclass(frozen=True)
class Queued:
    """The runner took the settings `Submit` handed it, as this job."""

    job_id: str
    spec: jobs.TrainingJob


@dataclass(frozen=True)
class Refused:
    """The runner's queue had no room for the settings `Submit` handed it; `reason` says when to try again."""

    reason: str | language.Message


@dataclass(frozen=True)
class Replace:
    """ "Stop it and train the new settings" was pressed."""


@dataclass(frozen=True)
class Keep:
    """ "Keep it running" was pressed: the pending settings are dropped."""


@dataclass(frozen=True)
class Stop:
    """Stop training was pressed."""


@dataclass(frozen=True)
class Polled:
    """The page asked the runner about the active job: its status, or None when the runner no
    longer knows it."""

    status: jobs.JobStatus | None


@dataclass(frozen=True)
class NoticesShown:
    """The page has shown the notices; they are not said again."""


Event = Train | Queued | Refused | Replace | Keep | Stop | Polled | NoticesShown


# What the page does for a transition, in the order given.


@dataclass(frozen=True)
class Submit:
    """Hand these settings to the runner; it answers with `Queued` or `Refused`."""

    spec: jobs.TrainingJob


@dataclass(frozen=True)
class Cancel:
    """Ask the runner to stop this job after its current chunk, keeping what it trained."""

    job_id: str


@dataclass(frozen=True)
class Record:
    """Keep this ended job's run: rebuild its model from the spec and the result's weights, show
    its results and add it to the track's runs. Returned once per job."""

    job_id: str
    spec: jobs.TrainingJob
    result: jobs.JobResult


@dataclass(frozen=True)
class Forget:
    """The runner may drop this ended job: its owner has taken what it had."""

    job_id: str


Action = Submit | Cancel | Record | Forget


@dataclass(frozen=True)
class Step:
    """A transition's outcome: the track's next state, and what the page must do for it."""

    track: TrackJobs
    actions: tuple[Action, ...] = ()


def next_state(track: TrackJobs, event: Event) -> Step:
    """The track after `event`, and the actions that carry it out. Raises `IllegalTransition` for
    an event that cannot happen in this state (answering a question nobody asked, stopping twice,
    a job that goes back to the queue)."""
    match event:
        case Train(spec):
            if track.active is None:
                return Step(track, (Submit(spec),))
            return Step(replace(track, pending=spec))  # asked first: one active job per track
        case Queued(job_id, spec):
            if track.active is not None:
                raise jobs.IllegalTransition(f"Job {job_id} was queued while job {track.active.job_id} is active.")
            return Step(replace(track, active=ActiveJob(job_id, spec)))
        case Refused(reason):
            return Step(_say(track, Ending.BUSY, reason))
        case Replace():
            if track.pending is None:
                raise jobs.IllegalTransition("There are no waiting settings to train instead.")
            if track.active is None:  # it has ended meanwhile: train the new settings now
                return Step(replace(track, pending=None, replacing=False), (Submit(track.pending),))
            return Step(replace(track, replacing=True), (Cancel(track.active.job_id),))
        case Keep():
            if track.pending is None:
                raise jobs.IllegalTransition("There are no waiting settings to drop.")
            return Step(replace(track, pending=None, replacing=False))
        case Stop():
            if track.active is None:
                raise jobs.IllegalTransition("There is no training to stop.")
            if track.active.stopping:
                raise jobs.IllegalTransition(f"Job {track.active.job_id} is already stopping.")
            return Step(replace(track, active=replace(track.active, stopping=True)), (Cancel(track.active.job_id),))
        case Polled(status):
            return _polled(track, status)
        case NoticesShown():
            return Step(replace(track, notices=()))
    raise jobs.IllegalTransition(f"Not an event of a training's lifecycle: {event!r}")


def _polled(track: TrackJobs, status: jobs.JobStatus | None) -> Step:
    """The active job is still waiting or training, has ended (recorded once, then the waiting
    settings start when the learner asked for them), or is lost."""
    active = track.active
    if active is None:
        raise jobs.IllegalTransition("There is no job to poll.")
    if status is None:
        return Step(_say(replace(track, active=None, replacing=False), Ending.LOST, LOST))
    if status.job_id != active.job_id:
        raise jobs.IllegalTransition(f"Polled job {status.job_id}, but the track follows job {active.job_id}.")
    if status.state.active:
        if (active.state, status.state) == (jobs.JobState.RUNNING, jobs.JobState.QUEUED):
            raise jobs.IllegalTransition(f"Job {active.job_id} cannot go back to the queue.")
        return Step(replace(track, active=replace(active, state=status.state)))
    # Ended. A poll may have missed the running state; the page's view jumps from queued to the end.
    notice, recorded = ending_notice(active.spec, status)
    actions: list[Action] = []
    if recorded and status.result is not None:
        actions.append(Record(active.job_id, active.spec, status.result))
    actions.append(Forget(active.job_id))
    after = replace(track, active=None, replacing=False)
    if notice is not None:
        after = replace(after, notices=(*after.notices, notice))
    if track.pending is not None and track.replacing:
        after = replace(after, pending=None)
        actions.append(Submit(track.pending))
    return Step(after, tuple(actions))


LOST = language.Message("base.messages.lifecycle.lost")


def ending_notice(spec: jobs.TrainingJob, status: jobs.JobStatus) -> tuple[Notice | None, bool]:
    """What the page says about an ended job, and whether it trained anything to record: a failure
    in the runner's words, a stop before the first epoch (nothing recorded), or a run cut short
    by the server's time limit or by Stop (recorded, results for what was trained)."""
    if status.state is jobs.JobState.FAILED:
        said = status.error_said or status.error or language.Message("base.messages.lifecycle.failed")
        return Notice(Ending.FAILED, said), False
    result = status.result
    if result is None or result.history.epochs_run == 0:
        return Notice(Ending.NOTHING_TRAINED, NOTHING_TRAINED), False
    history = result.history
    if history.timed_out:
        values = {
            "limit": f"{spec.time_limit_s or 0:.0f}",
            "epochs_run": history.epochs_run,
            "epochs_planned": history.epochs_planned,
        }
        return Notice(Ending.TIME_LIMIT, language.Message("base.messages.lifecycle.time_limit", values)), True
    if history.cancelled:
        values = {"epochs_run": history.epochs_run, "epochs_planned": history.epochs_planned}
        return Notice(Ending.STOPPED, language.Message("base.messages.lifecycle.stopped", values)), True
    return None, True


NOTHING_TRAINED = language.Message("base.messages.lifecycle.nothing_recorded")


def _say(track: TrackJobs, ending: Ending, text: str | language.Message) -> TrackJobs:

    return replace(track, notices=(*track.notices, Notice(ending, text)))
