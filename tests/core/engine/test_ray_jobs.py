"""The same runner tests against Ray: slots, a fair queue with caps, Stop, failures and abandoned sessions;
then joining a cluster without its token, with a wrong one, or where nothing answers; and the
whole file as on a machine that never ran Ray.

CI starts a local Ray head (`ray start --head`, see .ci/run) and points RAY_TEST_ADDRESS at it;
without one, the `ray_address` fixture starts a two-CPU head. Either gets a token of its own in
RAY_AUTH_TOKEN. The jobs run on that cluster's worker processes, which receive `core` the way any
cluster does (`runtime_env`).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys

import pytest
import ray
from ray import cloudpickle

from core.base import fair_queue, jobs
from core.engine import ray_jobs, training
from tests.conftest import REPOSITORY
from tests.core import tiny_jobs
from tests.core.tiny_jobs import Gate, gated_job, started, wait_for

FRESH_MACHINE_RUN = "TF_FIRST_STEPS_FRESH_MACHINE_RUN"  # set in the inner run of the fresh-machine test

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


def test_ray_takes_jobs_in_fair_order_and_under_the_same_caps(cluster, tmp_path):
    """Ray starts its tasks in the order they came, so the runner hands it a job only when a slot
    is free: a learner from another address goes ahead of one address's waiting jobs."""
    flooder, learner = "address:198.51.100.7", "address:203.0.113.5"
    runner = ray_jobs.RayJobRunner(abandon_after_s=600, limits=fair_queue.QueueLimits(per_client=3, total=8))
    gates = [Gate(str(tmp_path), f"F{n}") for n in range(5)]
    flood_ids = [runner.submit(f"session-{n}", gated_job(gate), client=flooder) for n, gate in enumerate(gates)]
    with pytest.raises(fair_queue.ServerBusy, match="3 trainings from your network address"):
        runner.submit("session-5", gated_job(Gate(str(tmp_path), "F5")), client=flooder)  # two run, three wait
    learner_gate = Gate(str(tmp_path), "L")
    learner_id = runner.submit("learner", gated_job(learner_gate), client=learner)
    assert runner.status(learner_id).queue_position == 1
    wait_for(lambda: sorted(started(tmp_path)) == ["F0", "F1"])
    gates[0].open()
    wait_for(lambda: len(started(tmp_path)) == 3)
    assert started(tmp_path)[2] == "L"
    for job_id in [*flood_ids, learner_id]:
        runner.cancel(job_id)
    for gate in [*gates, learner_gate]:
        gate.open()
    for job_id in [flood_ids[1], learner_id]:
        assert runner.wait(job_id, 120).state is jobs.JobState.STOPPED
    assert "F2" not in started(tmp_path)


def test_slots_follow_the_clusters_cpus(cluster, monkeypatch):
    runner = ray_jobs.RayJobRunner(abandon_after_s=600)
    assert runner.slots == 2
    monkeypatch.setattr(ray, "cluster_resources", lambda: {"CPU": 6.0})  # nodes joined the cluster
    wait_for(lambda: runner.slots == 6, timeout_s=3 * ray_jobs.REFRESH_S)


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
    # The staying learner polls at 20 s, before the clock passes the limit: were the clock moved to
    # 45 s first, the runner's refresh thread could see both quiet for 45 s before the heartbeat
    # (it did once, on a busy machine).
    now[0] = 20.0
    runner.heartbeat("staying")
    now[0] = 45.0  # the gone learner has been quiet for 45 s, the staying one for 25
    runner.heartbeat("staying")
    wait_for(lambda: runner.status(gone_id) is None)  # stopped, and dropped: nobody will collect it
    staying.open()
    assert runner.wait(staying_id, 120).state is jobs.JobState.FINISHED


def join_in_a_new_process(address: str, home, **variables: str | None) -> dict:
    """What `ray_jobs.connect` raises in a process of its own (Ray keeps the first token a process
    loads, so another token needs another process), with these environment variables changed
    (None removes one) and `home` as the home folder."""
    environment = {**os.environ, "HOME": str(home)}
    for name, value in variables.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    check = (
        "import json, sys\n"
        "from core.base import cluster\nfrom core.engine import ray_jobs\n"
        "try:\n"
        "    ray_jobs.connect(sys.argv[1])\n"
        "except cluster.ClusterUnavailable as problem:\n"
        "    print(json.dumps({'message': str(problem), 'may_recover': problem.may_recover}))\n"
        "else:\n"
        "    print(json.dumps({'joined': True}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", check, address],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(os.environ.get("RAY_AUTH_MODE") == "disabled", reason="the test cluster takes no token")
def test_joining_with_a_wrong_token_says_to_set_the_clusters_token(ray_address, tmp_path):
    # Ray tries a refused token 20 times, a second apart; two tries show the same refusal.
    outcome = join_in_a_new_process(
        ray_address, tmp_path, RAY_AUTH_TOKEN="not-the-clusters-token", RAY_NUM_REDIS_GET_RETRIES="2"
    )
    assert "joined" not in outcome, "the cluster took a wrong token"
    message = outcome["message"]
    assert message.startswith(f"Training is unavailable: the Ray cluster at `{ray_address}` (RAY_ADDRESS) refused")
    assert "set RAY_AUTH_TOKEN to the token the cluster was started with" in message
    assert "your runs so far are kept" in message and not outcome["may_recover"]


@pytest.mark.skipif(os.environ.get("RAY_AUTH_MODE") == "disabled", reason="the test cluster takes no token")
def test_joining_without_any_token_says_which_variable_to_set(ray_address, tmp_path):
    outcome = join_in_a_new_process(ray_address, tmp_path, RAY_AUTH_TOKEN=None, RAY_AUTH_TOKEN_PATH=None)
    assert "this server has no token for the Ray cluster" in outcome["message"]
    assert "set RAY_AUTH_TOKEN to the cluster's token" in outcome["message"] and not outcome["may_recover"]
    assert not (tmp_path / ".ray").exists()  # a client never makes a token of its own


def test_an_address_where_nothing_answers_is_reported_at_once_and_may_recover(tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{closed.getsockname()[1]}"
    outcome = join_in_a_new_process(address, tmp_path, RAY_AUTH_TOKEN="any")
    assert outcome["message"].startswith(f"Training is unavailable: nothing answers at `{address}` (RAY_ADDRESS)")
    assert "start the cluster" in outcome["message"] and outcome["may_recover"]


def test_the_ray_tests_pass_on_a_machine_that_never_ran_ray(tmp_path):
    """As on a fresh CI machine: no RAY_* variables and an empty home folder. The run starts its
    own head with a token of its own, and writes nothing into the home folder."""
    if os.environ.get(FRESH_MACHINE_RUN):
        pytest.skip("this is the inner run")
    home = tmp_path / "home"
    home.mkdir()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("RAY_")}
    environment.update(HOME=str(home), **{FRESH_MACHINE_RUN: "1"})
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/core/engine/test_ray_jobs.py", "-q", "-p", "no:cacheprovider"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"\d+ passed", summary) and "1 skipped" in summary, summary
    assert not (home / ".ray").exists()
