"""A class's Ray cluster as the pages see it: joined once and kept, or, while it cannot be joined,
a stand-in runner that fails every training with the reason, so the lessons still work and no
learner's runs are lost.

A server with RAY_ADDRESS trains only on the cluster: when the cluster is down, or refuses this
server's token, a learner's Train says why instead of quietly loading the web server with
everyone's trainings. This module imports neither Ray nor TensorFlow; `core.engine.ray_jobs` raises
`ClusterUnavailable` with the words for what went wrong.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

from core.base import jobs, language, settings

ADDRESS_VARIABLE = settings.RAY_ADDRESS_VARIABLE  # the cluster the server trains on; unset, it trains itself
TOKEN_VARIABLE = "RAY_AUTH_TOKEN"  # the cluster's token, which every Ray client presents
RETRY_S = 30.0  # how long a cluster that did not answer is left before the server tries again


class ClusterUnavailable(language.LearnerError):
    """The cluster cannot take trainings: what went wrong, and what whoever runs the server can do
    about it. `may_recover` says whether it can pass by itself (the cluster was not up yet), so
    that trying again later is worth it; a missing or wrong token lasts until the server restarts
    with the right one."""

    def __init__(self, reason: str | language.Message, fix: str | language.Message, may_recover: bool = False) -> None:
        super().__init__("base.messages.cluster.unavailable", reason=reason, fix=fix)
        self.may_recover = may_recover


class UnavailableRunner:
    """Stands in for the cluster's runner while the cluster cannot be joined: a submitted job ends
    at once as failed, with the reason as its error, which the page shows like any failed
    training. Its job ids cannot be mistaken for the cluster runner's once the cluster answers."""

    def __init__(self, problem: ClusterUnavailable) -> None:
        self.problem = problem
        self._lock = threading.Lock()
        self._failed: dict[str, jobs.JobStatus] = {}  # until their owner has read them
        self._ids = itertools.count(1)

    @property
    def where(self) -> language.Message:
        return language.Message("base.messages.cluster.where")

    def submit(self, owner: str, job: jobs.TrainingJob, client: str | None = None) -> str:
        """Nothing queues here, so no share of the queue to count: the job fails with the reason."""
        with self._lock:
            job_id = f"unavailable-{next(self._ids)}"
            self._failed[job_id] = jobs.JobStatus(
                job_id,
                owner,
                job.lesson,
                jobs.JobState.FAILED,
                job.epochs,
                error=str(self.problem),
                error_said=self.problem.message,
            )
            return job_id

    def status(self, job_id: str) -> jobs.JobStatus | None:
        with self._lock:
            return self._failed.get(job_id)

    def jobs_of(self, owner: str) -> list[jobs.JobStatus]:
        with self._lock:
            return [status for status in self._failed.values() if status.owner == owner]

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._failed.pop(job_id, None)

    def cancel(self, job_id: str) -> None:
        """Nothing runs here, so there is nothing to stop."""

    def heartbeat(self, owner: str) -> None:
        """Nothing runs here, so nobody's jobs need keeping alive."""


class ClusterConnection:
    """The server's one way to the cluster. The first page to ask joins it (`join`, which raises
    `ClusterUnavailable`), and every page after gets the same runner; after a failure they get an
    `UnavailableRunner` with the reason, and the cluster is tried again `retry_s` after a failure
    that may pass by itself. One attempt at a time: the others wait for its outcome."""

    def __init__(
        self,
        join: Callable[[], jobs.JobRunner],
        retry_s: float = RETRY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._join = join
        self._retry_s = retry_s
        self._clock = clock
        self._lock = threading.Lock()
        self._current: jobs.JobRunner | None = None  # the cluster's runner, or the stand-in
        self._failed_at = 0.0

    @property
    def attempt_due(self) -> bool:
        """Whether the next `runner()` tries to join the cluster (which can take seconds)."""
        current = self._current
        if current is None:
            return True
        if not isinstance(current, UnavailableRunner):
            return False
        return current.problem.may_recover and self._clock() - self._failed_at >= self._retry_s

    def runner(self) -> jobs.JobRunner:
        with self._lock:
            current = self._current
            if current is None or self.attempt_due:
                try:
                    current = self._join()
                except ClusterUnavailable as problem:
                    self._failed_at = self._clock()
                    if isinstance(current, UnavailableRunner):  # kept: its failed jobs may not be read yet
                        current.problem = problem
                    else:
                        current = UnavailableRunner(problem)
                self._current = current
            return current


def ray_runner(address: str, connected: Callable[[str], bool] | None = None) -> jobs.JobRunner:
    """The runner on the Ray cluster at `address`, joined now; `ClusterUnavailable` says why not."""
    try:
        from core.engine import ray_jobs
    except ModuleNotFoundError as missing:
        if (missing.name or "").split(".")[0] != "ray":
            raise
        raise ClusterUnavailable(
            language.Message("base.messages.cluster.no_ray", {"variable": ADDRESS_VARIABLE}),
            language.Message("base.messages.cluster.no_ray_fix", {"variable": ADDRESS_VARIABLE}),
        ) from missing

    return ray_jobs.RayJobRunner(address, connected=connected)
