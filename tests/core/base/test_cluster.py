"""The cluster as the pages see it: joined once, or a stand-in that fails every training with the
reason, tried again only when the reason may pass by itself. Ray itself is in test_ray_jobs.py."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from core.base import cluster, jobs
from tests.conftest import REPOSITORY


@dataclass(frozen=True)
class Settings:
    epochs: int = 5


def a_job() -> jobs.TrainingJob:
    """What a page submits; the stand-in never builds or trains it."""
    return jobs.TrainingJob("computer_vision", Settings(), build=None, make_model=None)  # type: ignore[arg-type]


class Joins:
    """A `join` that fails with the given problems in turn, then returns a runner; counts its calls."""

    def __init__(self, *problems: cluster.ClusterUnavailable) -> None:
        self.problems = list(problems)
        self.calls = 0
        self.runner = jobs.LocalJobRunner(slots=1, abandon_after_s=600)

    def __call__(self) -> jobs.JobRunner:
        self.calls += 1
        if self.problems:
            raise self.problems.pop(0)
        return self.runner


DOWN = cluster.ClusterUnavailable("nothing answers at `h:1` (RAY_ADDRESS)", "start it", may_recover=True)
WRONG_TOKEN = cluster.ClusterUnavailable("the cluster refused this server's token", "set RAY_AUTH_TOKEN")


def test_a_joined_cluster_is_joined_once_and_shared():
    join = Joins()
    connection = cluster.ClusterConnection(join)
    assert connection.attempt_due
    assert connection.runner() is join.runner and connection.runner() is join.runner
    assert join.calls == 1 and not connection.attempt_due


def test_a_refused_token_is_not_tried_again_and_train_says_why():
    now = [0.0]
    join = Joins(WRONG_TOKEN)
    connection = cluster.ClusterConnection(join, retry_s=30, clock=lambda: now[0])
    stand_in = connection.runner()
    assert isinstance(stand_in, cluster.UnavailableRunner) and stand_in.problem is WRONG_TOKEN
    now[0] = 3600.0
    assert connection.runner() is stand_in and join.calls == 1  # only a restart with the right token helps
    job_id = stand_in.submit("learner", a_job())
    status = stand_in.status(job_id)
    assert status.state is jobs.JobState.FAILED and "RAY_AUTH_TOKEN" in status.error
    assert status.error.startswith("Training is unavailable: the cluster refused this server's token.")
    assert [listed.job_id for listed in stand_in.jobs_of("learner")] == [job_id] and stand_in.jobs_of("other") == []
    stand_in.heartbeat("learner")
    stand_in.cancel(job_id)  # nothing runs, nothing to stop
    stand_in.forget(job_id)
    assert stand_in.status(job_id) is None and stand_in.jobs_of("learner") == []


def test_a_cluster_that_did_not_answer_is_tried_again_after_a_while_and_then_used():
    now = [0.0]
    join = Joins(DOWN, DOWN)
    connection = cluster.ClusterConnection(join, retry_s=30, clock=lambda: now[0])
    stand_in = connection.runner()
    unread = stand_in.submit("learner", a_job())
    now[0] = 29.0
    assert not connection.attempt_due and connection.runner() is stand_in and join.calls == 1
    now[0] = 30.0
    assert connection.attempt_due and connection.runner() is stand_in and join.calls == 2
    assert stand_in.status(unread).state is jobs.JobState.FAILED  # still there for its learner to read
    now[0] = 60.0
    assert connection.runner() is join.runner and join.calls == 3
    assert join.runner.status(unread) is None  # the stand-in's ids are not the cluster runner's


def test_without_ray_installed_the_cluster_is_unavailable_with_what_to_install():
    """A server given RAY_ADDRESS without requirements-ray.txt says so instead of a traceback."""
    check = (
        "import sys; sys.modules['ray'] = None\n"  # as if Ray were not installed
        "from core.base import cluster\n"
        "try:\n"
        "    cluster.ray_runner('127.0.0.1:6379')\n"
        "except cluster.ClusterUnavailable as problem:\n"
        "    print(problem)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", check], cwd=REPOSITORY, capture_output=True, text=True, timeout=300, check=True
    ).stdout
    assert "RAY_ADDRESS is set, but Ray is not installed" in shown and "requirements-ray.txt" in shown
