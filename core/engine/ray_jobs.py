"""Training jobs on a Ray cluster, for a class bigger than one server.

When RAY_ADDRESS is set, the pages hand the very same `TrainingJob`s to this runner instead of the
embedded one. Each job becomes a Ray task that asks for its CPUs, and Ray's scheduler places it
on the cluster's machines. The queue stays here, shared fairly between visitors like the embedded
runner's (`core.base.fair_queue`): Ray would start its tasks in the order they came, so a job is handed
to Ray only when the cluster has the CPUs for it. Progress and Stop travel through one small
actor, the job board. Lessons 2 and 3 send no data: their workers load Fashion-MNIST themselves.
Lesson 4's decoded photos go into Ray's object store once and every job of the same photos shares
them.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Ray clusters since 2.59 ask every client for a token (RAY_AUTH_TOKEN, else the file named by
# RAY_AUTH_TOKEN_PATH, else ~/.ray/auth_token). Ray 2.60 reads the mode when it is imported, and
# the token when it first connects (keeping it for the life of the process). A cluster without
# authentication sets RAY_AUTH_MODE=disabled.
os.environ.setdefault("RAY_AUTH_MODE", "token")

import ray  # noqa: E402 - after the authentication mode

from core.base import cluster, fair_queue, job_board, jobs, language, settings, threads  # noqa: E402
from core.engine import training  # noqa: E402

CPUS_VARIABLE = settings.CPUS_VARIABLE  # CPUs each training asks the cluster for
REFRESH_S = 2.0  # how often the runner looks at its jobs even when no page is polling
STORED_DATA_SETS = 4  # decoded photo sets kept in the object store at once
ANSWER_TIMEOUT_S = 3.0  # how long the cluster's address has to answer at all before Ray is asked to join
# Ray's own join keeps trying an address that does not answer for minutes (measured: over 280 s
# with Ray 2.60), so connect() first checks that something listens there, and a page waits seconds.


def connect(address: str | None = None, num_cpus: int | None = None) -> None:
    """Joins the cluster (`address`, else RAY_ADDRESS; with neither, starts one on this machine
    with `num_cpus`) and ships the `core` package to its workers, so a worker anywhere imports
    the same lesson code as the server. Raises `cluster.ClusterUnavailable`, saying which setting
    to look at, when nothing answers at the address or the cluster refuses this server's token."""
    if ray.is_initialized():
        return
    core_folder = str(Path(jobs.__file__).resolve().parents[1])  # core/, above its layers
    address = address or settings.current().ray_address
    if address:
        _check_answers(address)
    try:
        ray.init(
            address=address,
            num_cpus=None if address else num_cpus,
            include_dashboard=False if not address else None,
            runtime_env={"py_modules": [core_folder], "env_vars": {"TF_CPP_MIN_LOG_LEVEL": "2"}},
            log_to_driver=False,
        )
    except ray.exceptions.AuthenticationError as problem:  # no token at all: raised before connecting
        raise _unavailable("no_token", address) from problem
    except (ConnectionError, RuntimeError) as problem:
        if _token_refused(problem):
            raise _unavailable("token_refused", address) from problem
        raise _unavailable("not_joined", address, problem=_first_line(problem), version=ray.__version__) from problem


def _unavailable(
    kind: str, address: str | None, may_recover: bool = False, **values: object
) -> cluster.ClusterUnavailable:
    """The cluster's problem `kind` (engine.ray.<kind>: a reason and a fix), told in the learner's language."""
    values = {
        "address": address,
        "variable": cluster.ADDRESS_VARIABLE,
        "token_variable": cluster.TOKEN_VARIABLE,
        **values,
    }
    reason = language.Message(f"engine.ray.{kind}.reason", values)
    fix = language.Message(f"engine.ray.{kind}.fix", values)
    return cluster.ClusterUnavailable(reason, fix, may_recover=may_recover)


def _check_answers(address: str) -> None:
    """Raises `ClusterUnavailable` when nothing listens at the address (the cluster is down, not
    up yet, or the address is wrong); addresses that name no port ("auto") are left to Ray."""
    location = address.split("://", 1)[-1]
    host, _, port = location.rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=ANSWER_TIMEOUT_S):
            pass
    except OSError as problem:
        raise _unavailable(
            "no_answer",
            address,
            may_recover=True,
            problem=problem.strerror or type(problem).__name__,
            seconds=f"{cluster.RETRY_S:.0f}",
        ) from problem


def _token_refused(problem: BaseException) -> bool:
    """Whether Ray's failure to join came from the cluster turning this server's token down: Ray
    2.60 raises a ConnectionError whose cause's text holds the AuthenticationError of its last try."""
    chain: list[BaseException] = []
    link: BaseException | None = problem
    while link is not None and link not in chain:
        chain.append(link)
        link = link.__cause__ or link.__context__
    return any(
        isinstance(link, ray.exceptions.AuthenticationError) or "InvalidAuthToken" in str(link) for link in chain
    )


def _first_line(problem: BaseException) -> str:
    text = str(problem).strip()
    return text.splitlines()[0][:300] if text else type(problem).__name__


def _train(job_id: str, job: jobs.TrainingJob, data: Any, board: Any) -> jobs.JobResult:
    """One job on a Ray worker: the same `run_training` as the embedded runner, with progress
    pinned to the board and Stop read from it between chunks."""

    def publish(progress: training.Progress) -> None:
        board.publish.remote(job_id, pickle.dumps(progress))

    def cancelled() -> bool:
        return bool(ray.get(board.stop_requested.remote(job_id)))

    return jobs.run_training(dataclasses.replace(job, data=data), publish, cancelled)


class RayJobRunner(jobs.JobBook):
    """The same bookkeeping and fair queue as the embedded runner; a job given a slot runs as a
    Ray task. The slots are the cluster's CPUs over each job's, counted again every `REFRESH_S`,
    so nodes that join the cluster take jobs from the queue."""

    def __init__(
        self,
        address: str | None = None,
        cpus_per_job: float | None = None,
        abandon_after_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        connected: Callable[[str], bool] | None = None,
        limits: fair_queue.QueueLimits | None = None,
    ) -> None:
        connect(address)
        self.cpus_per_job = cpus_per_job or settings.current().cpus_per_job
        super().__init__(self._cluster_slots(), abandon_after_s, clock, connected, limits)
        self._board: Any = ray.remote(num_cpus=0)(job_board.JobBoard).remote()  # an actor handle
        self._task = ray.remote(_train).options(
            num_cpus=self.cpus_per_job,
            max_retries=0,
            # each worker's TensorFlow pool as wide as the CPUs its task holds (`core.base.threads`)
            runtime_env={"env_vars": {threads.INTRAOP_VARIABLE: str(max(1, int(self.cpus_per_job)))}},
        )
        self._stored: list[tuple[Any, Any]] = []  # (data, its object reference), newest last
        threading.Thread(target=self._keep_refreshing, name="ray-jobs", daemon=True).start()

    @property
    def where(self) -> language.Message:
        """Where trainings run, as the page says it (`str()` is the English)."""
        return language.Message(
            "engine.ray.where." + ("one_slot" if self.slots == 1 else "slots"), {"slots": self.slots}
        )

    def _cluster_slots(self) -> int:
        return max(1, int(float(ray.cluster_resources().get("CPU", 1)) // self.cpus_per_job))

    def _launch(self, record: jobs.JobRecord) -> None:
        spec = record.spec
        data = None if spec.load_data is not None else self._store(spec.data)
        record.handle = self._task.remote(record.job_id, dataclasses.replace(spec, data=None), data, self._board)

    def _store(self, data: Any) -> Any:
        """Puts the data into the object store once; later jobs with the same data reuse it."""
        for stored, reference in self._stored:
            if stored is data:
                return reference
        reference = ray.put(data)
        self._stored = [*self._stored, (data, reference)][-STORED_DATA_SETS:]
        return reference

    def _stop_running(self, record: jobs.JobRecord) -> None:
        self._board.request_stop.remote(record.job_id)

    def _refresh(self) -> None:
        """Progress and ends of the jobs handed to Ray; their freed slots go to the queue."""
        running = [record for record in self._jobs.values() if record.state is jobs.JobState.RUNNING]
        if running:
            board: dict[str, bytes | None] = ray.get(self._board.read.remote([record.job_id for record in running]))
            ready, _ = ray.wait([record.handle for record in running], num_returns=len(running), timeout=0)
            for record in running:
                progress = board[record.job_id]
                if progress is not None:
                    record.progress = pickle.loads(progress)  # our own job's bytes, from our own board
                if record.handle in ready:
                    self._collect(record)
        self._start_waiting()

    def _collect(self, record: jobs.JobRecord) -> None:
        try:
            result = ray.get(record.handle)
        except ray.exceptions.TaskCancelledError:
            self._mark_ended(record)
        except ray.exceptions.RayTaskError as problem:
            cause = problem.cause if isinstance(problem.cause, BaseException) else problem
            self._mark_ended(record, error=jobs.failure(cause))
        except ray.exceptions.RayError as problem:  # a worker or node died: out of memory, for one
            self._mark_ended(record, error=jobs.failure(problem))
        else:
            self._mark_ended(record, result)
        self._board.forget.remote(record.job_id)

    def _keep_refreshing(self) -> None:
        """Keeps states current and reaps abandoned sessions even while no page polls."""
        while True:
            time.sleep(REFRESH_S)
            try:
                slots = self._cluster_slots()
                with self._lock:
                    self.slots = slots
                    self._refresh()
                    self._reap_abandoned()
            except Exception:  # the cluster went away; the next poll reports what it finds
                continue
