"""Training as jobs: a page asks for a run, a worker trains it, the page polls for progress.

A training must outlive the page's script run (a Streamlit rerun interrupts it) and a class of
thirty must share a server fairly. So every lesson hands the same kind of job to a runner: what
to train (the lesson's frozen config, the lesson's `build` function and its data), whose it is,
and, while it runs, its progress. The runner here is embedded in the Streamlit server: a fixed
number of training slots and a queue shared fairly between visitors (`core.base.fair_queue`), with a
cap. `core.engine.ray_jobs` runs the very same jobs on a Ray cluster. The one `Trainer` still does the
training; a job wraps it and asks between compiled chunks whether a learner pressed Stop.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import logging
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from core.base import fair_queue, language, settings, threads
from core.base.history import Evaluation, HeldOut, Outcome, Progress, ProgressCallback, TrainingHistory

SLOTS_VARIABLE = threads.SLOTS_VARIABLE  # how many trainings run at once on this server
ABANDON_VARIABLE = settings.ABANDON_VARIABLE  # a session silent this long loses its jobs
DEFAULT_ABANDON_AFTER_S = settings.DEFAULT_ABANDON_AFTER_S
DISCONNECT_GRACE_S = 5.0  # a closed tab loses its jobs this long after, so a reconnect keeps them
DEFAULT_JOB_S = 10.0  # guessed length of a job before any has finished, for the wait estimate


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"  # trained to its planned end, to its target, or until it diverged
    STOPPED = "stopped"  # a learner (or an abandoned session) cancelled it
    FAILED = "failed"

    @property
    def active(self) -> bool:
        return self in (JobState.QUEUED, JobState.RUNNING)


class IllegalTransition(ValueError):
    """A move a job's lifecycle does not allow (`advance`, `core.base.lifecycle`): a bug in whoever
    asked, named so that it says what it tried."""


# The runner's moves: a waiting job starts, or is cancelled before it starts; a running one ends.
RUNNER_MOVES: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.RUNNING, JobState.STOPPED}),
    JobState.RUNNING: frozenset({JobState.FINISHED, JobState.STOPPED, JobState.FAILED}),
}


def advance(state: JobState, to: JobState) -> JobState:
    """The runner's move of one job from `state` to `to`: an ended job never moves again, and a
    running one never goes back to the queue."""
    if to not in RUNNER_MOVES.get(state, frozenset()):
        raise IllegalTransition(f"A {state.value} job cannot become {to.value}.")
    return to


class Trains(Protocol):
    """What a job asks of a trainer (`core.engine.training.Trainer`)."""

    def run(
        self,
        history: TrainingHistory,
        *,
        on_progress: ProgressCallback | None = None,
        report_every_s: float = 0.5,
        cancelled: Callable[[], bool] | None = None,
    ) -> TrainingHistory: ...


@dataclass(frozen=True)
class TrainingSetup:
    """What a lesson's `build` function returns: the model, its trainer, and the held-out images
    the trained model is scored on (None for Lesson 1, which has no classes to score)."""

    model: Any  # a keras.Model; this module stays free of TensorFlow
    trainer: Trains
    held_out: HeldOut | None = None
    input_scale: float = 1 / 255


Build = Callable[[Any, Any], TrainingSetup]  # (config, data) -> setup; a top-level function of the lesson


@dataclass(frozen=True)
class TrainingJob:
    """What to train. `build` is a module-level function of the lesson, so another process (a Ray
    worker) can import it; `data` is what it trains on, or None when `load_data` (also a
    module-level function) lets a worker load the data itself from the usual sources."""

    lesson: str  # the lesson's registry key
    config: Any  # the lesson's frozen settings
    build: Build
    make_model: Callable[[Any], Any]  # rebuilds the trained model from its config and weights
    data: Any = None
    load_data: Callable[[], Any] | None = None
    time_limit_s: float | None = None  # a shared server's limit for one training; it keeps what it trained
    data_set: str = ""  # what it trains on, by name ("Fashion-MNIST"): runs on one data set compare across lessons
    link: dict[str, str] = field(default_factory=dict)  # the page's address parameters when Train was pressed

    @property
    def epochs(self) -> int:
        return int(self.config.epochs)


@dataclass(frozen=True)
class JobResult:
    """What a finished job yields: the trained weights (the page rebuilds the model from its
    config), the history, and how the model did on its held-out images."""

    weights: list[np.ndarray]
    history: TrainingHistory
    evaluation: Evaluation | None
    held_out: HeldOut | None

    @property
    def outcome(self) -> Outcome:
        return self.history.outcome


@dataclass(frozen=True)
class JobStatus:
    """A snapshot of one job for the page: its state, its place in the queue while it waits, its
    progress while it runs, and its result or error at the end."""

    job_id: str
    owner: str
    lesson: str
    state: JobState
    epochs: int
    queue_position: int | None = None  # 1 = next to start
    estimated_wait_s: float | None = None
    progress: Progress | None = None
    result: JobResult | None = None
    error: str | None = None  # in English; `error_said` is the same in the learner's language
    error_said: language.Message | None = None

    @property
    def fraction(self) -> float:
        return self.progress.fraction if self.progress else 0.0


LOG = logging.getLogger(__name__)


def run_training(
    job: TrainingJob,
    publish: Callable[[Progress], None],
    cancelled: Callable[[], bool],
) -> JobResult:
    """The work of one job, wherever it runs: build, train (asking between chunks whether to
    stop, or whether its time is up), then score the trained model on its held-out images."""
    from core.base import limits
    from core.engine import image_classifier  # the engine loads TensorFlow: only when a job runs

    data = job.data if job.data is not None or job.load_data is None else job.load_data()
    setup = job.build(job.config, data)
    history = TrainingHistory(job.epochs)
    deadline = time.monotonic() + job.time_limit_s if job.time_limit_s is not None else None

    def stop() -> bool:
        """Stop was pressed, or the training has had its time (then it is marked as such)."""
        if deadline is not None and time.monotonic() > deadline:
            history.timed_out = True
            return True
        return cancelled()

    setup.trainer.run(history, on_progress=publish, cancelled=stop)
    evaluation = (
        image_classifier.evaluate(setup.model, setup.held_out, setup.input_scale)
        if setup.held_out is not None
        else None
    )
    result = JobResult(setup.model.get_weights(), history, evaluation, setup.held_out)
    del setup  # the trainer and its copies of the data, freed before what they held is handed back
    limits.return_freed_memory()
    return result


def failure_message(problem: BaseException) -> str:
    """What went wrong, in English (`failure` in the learner's language)."""
    return str(failure(problem))


def failure(problem: BaseException) -> language.Message:
    """What went wrong, in words a learner can act on (a learner's error as it was told)."""
    if isinstance(problem, language.LearnerError):
        return problem.message
    text = str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
    if isinstance(problem, MemoryError) or "ResourceExhausted" in type(problem).__name__ or "OOM" in text:
        return language.Message("base.messages.jobs.out_of_memory", {"details": text[:200]})
    return language.Message("base.messages.jobs.failed", {"kind": type(problem).__name__, "details": text[:300]})


class JobRunner(Protocol):
    """What a page needs from a runner, embedded or on Ray."""

    def submit(self, owner: str, job: TrainingJob, client: str | None = None) -> str: ...
    def status(self, job_id: str) -> JobStatus | None: ...
    def cancel(self, job_id: str) -> None: ...
    def heartbeat(self, owner: str) -> None: ...
    def jobs_of(self, owner: str) -> list[JobStatus]: ...
    def forget(self, job_id: str) -> None: ...
    @property
    def where(self) -> str | language.Message: ...


@dataclass
class JobRecord:
    """A runner's own record of a job; only touched under the runner's lock."""

    job_id: str
    owner: str  # the browser session: only it sees the job, and its closed tab ends the job
    client: str  # whose share of the slots it counts against: an account or an address (`fair_queue`)
    spec: TrainingJob
    submitted: float
    state: JobState = JobState.QUEUED
    started: float | None = None
    ended: float | None = None
    progress: Progress | None = None
    result: JobResult | None = None
    error: str | None = None
    error_said: language.Message | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    handle: Any = None  # where the job runs: a thread, or a Ray task's result reference


def default_slots() -> int:
    """Training slots from TRAINING_SLOTS, else one per CPU core (`core.base.threads`)."""
    return threads.training_slots()


def default_abandon_after_s() -> float:
    """TRAINING_ABANDON_AFTER_S, else 30 s (`core.base.settings`)."""
    return settings.current().abandon_after_s


class JobBook:
    """The bookkeeping every runner shares: job records, owners and their last poll, abandoned
    sessions, the queue (fair between clients, and capped: `core.base.fair_queue`), snapshots with a
    place in the queue and a wait estimate. A runner adds where jobs run: `_launch` a job given a
    slot, `_stop_running` one, and `_refresh` what it knows of running jobs.

    An owner is gone, and its jobs are cancelled, when it has not polled for `abandon_after_s`, or
    when `connected(owner)` (the web server's word on whether that browser tab is still open) has
    said no for `DISCONNECT_GRACE_S`."""

    def __init__(
        self,
        slots: int,
        abandon_after_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        connected: Callable[[str], bool] | None = None,
        limits: fair_queue.QueueLimits | None = None,
    ) -> None:
        if slots < 1:
            raise ValueError("A runner needs at least one training slot.")
        self.slots = slots
        self.abandon_after_s = abandon_after_s if abandon_after_s is not None else default_abandon_after_s()
        self.limits = limits if limits is not None else fair_queue.QueueLimits.from_settings()
        self._clock = clock
        self._connected = connected
        self._disconnected_since: dict[str, float] = {}
        self._lock = threading.RLock()
        self._jobs: dict[str, JobRecord] = {}
        self._last_seen: dict[str, float] = {}
        self._durations: list[float] = []  # of recently finished jobs, for the wait estimate
        self._last_started: dict[str, float] = {}  # by client, while it has jobs waiting or running
        self._ids = itertools.count(1)

    def submit(self, owner: str, job: TrainingJob, client: str | None = None) -> str:
        """Queues a job of this owner (a browser session); `client` is whose share of the slots
        it counts against (the owner itself when not given). Raises `fair_queue.ServerBusy` when
        the client already has its share of waiting jobs or the queue is full."""
        client = client or owner
        with self._lock:
            self._reap_abandoned()
            places = self._plan()
            clients = {place.job_id: self._jobs[place.job_id].client for place in places}
            fair_queue.check_room(client, places, clients, self.slots, self.limits)
            job_id = f"job-{next(self._ids)}"
            self._jobs[job_id] = JobRecord(job_id, owner, client, job, submitted=self._clock())
            self._last_seen[owner] = self._clock()
            self._start_waiting()
            return job_id

    def status(self, job_id: str) -> JobStatus | None:
        with self._lock:
            self._refresh()
            self._reap_abandoned()
            record = self._jobs.get(job_id)
            return None if record is None else self._snapshot(record)

    def jobs_of(self, owner: str) -> list[JobStatus]:
        with self._lock:
            self._refresh()
            return [self._snapshot(record) for record in self._jobs.values() if record.owner == owner]

    def cancel(self, job_id: str) -> None:
        """A queued job leaves the queue; a running one stops after its current chunk and keeps
        what it trained."""
        with self._lock:
            record = self._jobs.get(job_id)
            if record is None or not record.state.active:
                return
            record.cancel_requested.set()
            if record.state is JobState.QUEUED:
                self._mark_ended(record)
            else:
                self._stop_running(record)

    def heartbeat(self, owner: str) -> None:
        with self._lock:
            self._last_seen[owner] = self._clock()
            self._reap_abandoned()

    def forget(self, job_id: str) -> None:
        """Drops an ended job once its owner has taken the result, so memory does not grow."""
        with self._lock:
            record = self._jobs.get(job_id)
            if record is not None and not record.state.active:
                del self._jobs[job_id]

    def wait(self, job_id: str, timeout_s: float) -> JobStatus | None:
        """The job's status once it has ended, or after `timeout_s` (for tests and scripts)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = self.status(job_id)
            if status is None or not status.state.active:
                return status
            time.sleep(0.05)
        return self.status(job_id)

    @property
    def running(self) -> int:
        with self._lock:
            return sum(record.state is JobState.RUNNING for record in self._jobs.values())

    def _launch(self, record: JobRecord) -> None:
        """Starts a job that has just been given a slot."""
        raise NotImplementedError

    def _stop_running(self, record: JobRecord) -> None:
        """Asks a running job to stop after its current chunk, keeping what it trained."""
        raise NotImplementedError

    def _refresh(self) -> None:
        """Brings the records up to date; the embedded runner's threads keep them current."""

    def _start_waiting(self) -> None:
        """Gives every free slot to the next job in fair order (`fair_queue.next_job`)."""
        while self.running < self.slots:
            waiting = [
                fair_queue.Waiting(record.job_id, record.client, record.submitted)
                for record in self._jobs.values()
                if record.state is JobState.QUEUED
            ]
            running = Counter(record.client for record in self._jobs.values() if record.state is JobState.RUNNING)
            chosen = fair_queue.next_job(waiting, running, self._last_started)
            if chosen is None:
                return
            record = self._jobs[chosen.job_id]
            self._mark_started(record)
            self._last_started[record.client] = self._clock()
            try:
                self._launch(record)
            except Exception as problem:  # the job could not even start; the others still may
                LOG.exception("Training job %s of %s could not start", record.job_id, record.spec.lesson)
                self._mark_ended(record, error=failure(problem))

    def _mark_started(self, record: JobRecord) -> None:
        record.state, record.started = advance(record.state, JobState.RUNNING), self._clock()

    def _mark_ended(
        self, record: JobRecord, result: JobResult | None = None, error: str | language.Message | None = None
    ) -> None:
        """Records how a job ended; a job whose session has gone is dropped, nobody will collect it."""
        if error is not None:
            record.state, record.error = advance(record.state, JobState.FAILED), str(error)
            record.error_said = error if isinstance(error, language.Message) else None
        elif result is None or result.history.cancelled:
            record.state, record.result = advance(record.state, JobState.STOPPED), result
        else:
            record.state, record.result = advance(record.state, JobState.FINISHED), result
            if record.started is not None:
                self._durations = [*self._durations, self._clock() - record.started][-20:]
        record.ended = self._clock()
        if record.owner not in self._last_seen:
            self._jobs.pop(record.job_id, None)
        if not any(other.client == record.client and other.state.active for other in self._jobs.values()):
            self._last_started.pop(record.client, None)  # a client with nothing waiting or running starts afresh

    def _reap_abandoned(self) -> None:
        now = self._clock()
        gone = {owner for owner, seen in self._last_seen.items() if now - seen > self.abandon_after_s}
        gone |= self._disconnected(now)
        for owner in gone:
            self._last_seen.pop(owner, None)
            self._disconnected_since.pop(owner, None)
        for record in list(self._jobs.values()):
            if record.owner in gone and record.state.active:
                self.cancel(record.job_id)
        for record in list(self._jobs.values()):  # nobody will collect an abandoned session's results
            if record.owner in gone and not record.state.active:
                del self._jobs[record.job_id]

    def _disconnected(self, now: float) -> set[str]:
        """Owners whose tab has been closed for longer than the grace period."""
        if self._connected is None:
            return set()
        for owner in self._last_seen:
            if self._connected(owner):
                self._disconnected_since.pop(owner, None)
            else:
                self._disconnected_since.setdefault(owner, now)
        return {owner for owner, since in self._disconnected_since.items() if now - since >= DISCONNECT_GRACE_S}

    def _snapshot(self, record: JobRecord) -> JobStatus:
        position = wait = None
        if record.state is JobState.QUEUED:
            place = next(place for place in self._plan() if place.job_id == record.job_id)
            position, wait = place.position, place.wait_s
        progress = record.progress
        if progress is not None:  # a copy the page can draw while the worker keeps training
            progress = dataclasses.replace(progress, history=progress.history.copy())
        return JobStatus(
            job_id=record.job_id,
            owner=record.owner,
            lesson=record.spec.lesson,
            state=record.state,
            epochs=record.spec.epochs,
            queue_position=position,
            estimated_wait_s=wait,
            progress=progress,
            result=record.result,
            error=record.error,
            error_said=record.error_said,
        )

    def _plan(self) -> list[fair_queue.Place]:
        """The waiting jobs in the order they will start, each with its wait: the running jobs'
        time left, then the jobs ahead of it, each guessed from recent jobs' length, shared over
        the slots (`fair_queue.plan`)."""
        typical = statistics.median(self._durations) if self._durations else DEFAULT_JOB_S
        now = self._clock()
        waiting, running = [], []
        for record in self._jobs.values():
            if record.state is JobState.QUEUED:
                waiting.append(fair_queue.Waiting(record.job_id, record.client, record.submitted))
            elif record.state is JobState.RUNNING:
                if record.progress is not None and record.progress.elapsed_s > 0:
                    left = record.progress.seconds_left
                else:
                    left = max(0.0, typical - (now - (record.started or now)))
                running.append(fair_queue.Running(record.client, left))
        return fair_queue.plan(waiting, running, self._last_started, self.slots, typical, now)


class LocalJobRunner(JobBook):
    """Jobs inside this process, the embedded default: `slots` trainings at a time in worker
    threads, the rest waiting their fair turn. A closed tab, or a session that stops polling for
    `abandon_after_s`, loses its jobs and frees its slot. Ended jobs are kept until their owner
    takes the result."""

    def __init__(
        self,
        slots: int | None = None,
        abandon_after_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        connected: Callable[[str], bool] | None = None,
        limits: fair_queue.QueueLimits | None = None,
    ) -> None:
        slots = slots if slots is not None else default_slots()
        super().__init__(slots, abandon_after_s, clock, connected, limits)

    @property
    def where(self) -> language.Message:
        """Where trainings run, as the page says it (`str()` is the English)."""
        key = "base.messages.jobs.where_one" if self.slots == 1 else "base.messages.jobs.where_many"
        return language.Message(key, {"slots": self.slots})

    def _launch(self, record: JobRecord) -> None:
        record.handle = threading.Thread(target=self._work, args=(record,), name=record.job_id, daemon=True)
        record.handle.start()

    def _stop_running(self, record: JobRecord) -> None:
        """Nothing to do: the job sees its flag between its chunks."""

    def _work(self, record: JobRecord) -> None:
        def publish(progress: Progress) -> None:
            with self._lock:
                record.progress = progress

        def cancelled() -> bool:
            """Asked between chunks: Stop was pressed, or the owner has stopped polling."""
            with self._lock:
                self._reap_abandoned()
            return record.cancel_requested.is_set()

        result = error = None
        try:
            result = run_training(record.spec, publish, cancelled)
        except BaseException as problem:  # a job's failure must never take the server's other jobs down
            error = failure(problem)

            LOG.exception("Training job %s of %s failed", record.job_id, record.spec.lesson)
        with self._lock:
            self._mark_ended(record, result, error)
            self._reap_abandoned()
            self._start_waiting()
