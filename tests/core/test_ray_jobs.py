"""The same runner tests against Ray: slots, a fair queue, Stop, failures and abandoned sessions.

CI starts a local Ray head (`ray start --head`, see .ci/run) and points RAY_TEST_ADDRESS at it;
without one, the `ray_address` fixture starts a two-CPU head. The jobs run on that cluster's
worker processes, which receive `core` the way any cluster does (`runtime_env`).
"""

from __future__ import annotations

import pytest
import ray
from ray import cloudpickle

from core import jobs, ray_jobs, training
from tests.core import tiny_jobs
from tests.core.tiny_jobs import Gate, gated_job, started, wait_for

# Ray's workers cannot import the tests package; the tiny jobs travel by value instead.
cloudpickle.register_pickle_by_value(tiny_jobs)


@pytest.fixture(scope="module")
def cluster(ray_address):
    ray_jobs.connect(ray_address)
    yield
    ray.shutdown()


def epochs_trained(runner, job_id: str) -> int:
    progress = runner.status(job_id).progress
    return progress.epoch if progress else 0


def states(runner, job_ids) -> list[str]:
    return [runner.status(job_id).state.value for job_id in job_ids]


def test_slots_are_the_clusters_cpus_and_the_queue_is_first_come_first_served(cluster, tmp_path):
    runner = ray_jobs.RayJobRunner(abandon_after_s=600)
    assert runner.slots == int(ray.cluster_resources()["CPU"]) == 2
    gates = [Gate(str(tmp_path), name) for name in "ABCD"]
    job_ids = [runner.submit(f"learner-{gate.name}", gated_job(gate)) for gate in gates]
    wait_for(lambda: states(runner, job_ids) == ["running", "running", "queued", "queued"])
    wait_for(lambda: len(started(tmp_path)) == 2)
    assert sorted(started(tmp_path)) == ["A", "B"]  # two workers start them together, in either order
    assert [runner.status(job_id).queue_position for job_id in job_ids] == [None, None, 1, 2]
    gates[1].open()  # B ends first: the next in line (C) takes its slot, not D
    wait_for(lambda: len(started(tmp_path)) == 3)
    assert started(tmp_path)[2] == "C"
    for gate in gates:
        gate.open()
    for job_id in job_ids:
        assert runner.wait(job_id, 120).state is jobs.JobState.FINISHED
    assert started(tmp_path)[2:] == ["C", "D"]


def test_a_finished_job_yields_weights_history_and_its_held_out_score(cluster, tmp_path):
    runner = ray_jobs.RayJobRunner(abandon_after_s=600)
    gate = Gate(str(tmp_path), "A")
    gate.open()
    status = runner.wait(runner.submit("learner", gated_job(gate, epochs=3)), 120)
    assert status.state is jobs.JobState.FINISHED and status.result.outcome == "finished"
    assert status.result.history.epochs_run == 3 and status.result.evaluation.confusion.sum() == 40
    rebuilt = tiny_jobs.tiny_model(tiny_jobs.TinyConfig())
    rebuilt.set_weights(status.result.weights)
    assert rebuilt.count_params() == 4 * 4 * 2 + 2


def test_cancelling_a_queued_job_and_a_running_job(cluster, tmp_path):
    runner = ray_jobs.RayJobRunner(abandon_after_s=600)
    blockers = [Gate(str(tmp_path), name) for name in "AB"]
    running_ids = [runner.submit("x", gated_job(gate, epochs=2000)) for gate in blockers]
    queued_id = runner.submit("y", gated_job(Gate(str(tmp_path), "C")))
    wait_for(lambda: started(tmp_path) == ["A", "B"] or started(tmp_path) == ["B", "A"])
    runner.cancel(queued_id)
    assert runner.status(queued_id).state is jobs.JobState.STOPPED
    blockers[0].open()
    wait_for(lambda: (runner.status(running_ids[0]).progress or training.Progress(0, 0, 0, 1, 0, 0, None)).epoch >= 2)
    runner.cancel(running_ids[0])
    status = runner.wait(running_ids[0], 120)
    assert status.state is jobs.JobState.STOPPED and 2 <= status.result.history.epochs_run < 2000
    blockers[1].open()
    runner.cancel(running_ids[1])
    assert runner.wait(running_ids[1], 120).state is jobs.JobState.STOPPED
    assert "C" not in started(tmp_path)  # the cancelled queued job never ran


def test_a_failing_job_says_why_and_leaves_the_others_running(cluster, tmp_path):
    runner = ray_jobs.RayJobRunner(abandon_after_s=600)
    healthy, failing = Gate(str(tmp_path), "A"), Gate(str(tmp_path), "B", fail=True)
    healthy_id, failing_id = runner.submit("x", gated_job(healthy)), runner.submit("x", gated_job(failing))
    failing.open()
    status = runner.wait(failing_id, 120)
    assert status.state is jobs.JobState.FAILED and "out of memory" in status.error
    assert runner.status(healthy_id).state is jobs.JobState.RUNNING
    healthy.open()
    assert runner.wait(healthy_id, 120).state is jobs.JobState.FINISHED


def test_an_abandoned_session_loses_its_jobs(cluster, tmp_path):
    now = [0.0]
    runner = ray_jobs.RayJobRunner(abandon_after_s=30, clock=lambda: now[0])
    gone = Gate(str(tmp_path), "A")
    gone_id = runner.submit("gone", gated_job(gone, epochs=2000))
    staying = Gate(str(tmp_path), "B")
    staying_id = runner.submit("staying", gated_job(staying))
    wait_for(lambda: runner.status(gone_id).state is jobs.JobState.RUNNING)
    gone.open()
    now[0] = 45.0
    runner.heartbeat("staying")  # the other learner went quiet 45 s ago
    wait_for(lambda: runner.status(gone_id) is None)  # stopped, and dropped: nobody will collect it
    staying.open()
    assert runner.wait(staying_id, 120).state is jobs.JobState.FINISHED
