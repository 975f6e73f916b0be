"""The embedded job runner: training slots, a fair queue with caps, Stop, failures and abandoned
sessions."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

import pytest

from core.base import fair_queue, jobs, settings
from core.engine import image_classifier, training
from tests.core.tiny_jobs import TinyConfig, tiny_model, tiny_setup, wait_for


@dataclass
class Gate:
    """Test data that holds a job in its build step until the test opens the gate."""

    name: str
    started: list[str]
    opened: threading.Event = field(default_factory=threading.Event)
    fail_with: BaseException | None = None


def gated_build(config: TinyConfig, gate: Gate) -> jobs.TrainingSetup:
    gate.started.append(gate.name)
    assert gate.opened.wait(timeout=60), "the test never opened the gate"
    if gate.fail_with is not None:
        raise gate.fail_with
    return tiny_setup(config)


def gated_job(gate: Gate, epochs: int = 2) -> jobs.TrainingJob:
    return jobs.TrainingJob("computer_vision", TinyConfig(epochs), gated_build, tiny_model, data=gate)


def states(runner, job_ids) -> list[str]:
    return [runner.status(job_id).state.value for job_id in job_ids]


def test_slots_are_respected_and_the_queue_is_first_come_first_served():
    runner = jobs.LocalJobRunner(slots=2, abandon_after_s=600)
    started: list[str] = []
    gates = [Gate(name, started) for name in "ABCD"]
    job_ids = [runner.submit(f"learner-{gate.name}", gated_job(gate)) for gate in gates]
    wait_for(lambda: len(started) == 2)
    assert started == ["A", "B"] and states(runner, job_ids) == ["running", "running", "queued", "queued"]
    assert [runner.status(job_id).queue_position for job_id in job_ids] == [None, None, 1, 2]
    waits = [runner.status(job_id).estimated_wait_s for job_id in job_ids[2:]]
    assert 0 < waits[0] <= waits[1]  # the later arrival waits at least as long
    gates[1].opened.set()  # B ends first: the next in line (C) takes its slot, not D
    wait_for(lambda: len(started) == 3)
    assert started == ["A", "B", "C"] and runner.status(job_ids[3]).queue_position == 1
    for gate in gates:
        gate.opened.set()
    for job_id in job_ids:
        assert runner.wait(job_id, 60).state is jobs.JobState.FINISHED
    assert started == ["A", "B", "C", "D"] and runner.running == 0


def test_a_finished_job_yields_weights_history_and_its_held_out_score():
    runner = jobs.LocalJobRunner(slots=1, abandon_after_s=600)
    gate = Gate("A", [])
    gate.opened.set()
    status = runner.wait(runner.submit("learner", gated_job(gate, epochs=3)), 60)
    result = status.result
    assert status.state is jobs.JobState.FINISHED and result.outcome == "finished"
    assert result.history.epochs_run == 3 and result.held_out.name == "validation"
    rebuilt = tiny_model(TinyConfig())
    rebuilt.set_weights(result.weights)  # the page rebuilds the model from its config and the weights
    again = image_classifier.evaluate(rebuilt, result.held_out, 1 / 255)
    assert again.accuracy == result.evaluation.accuracy and again.loss == pytest.approx(result.evaluation.loss)
    runner.forget(status.job_id)
    assert runner.status(status.job_id) is None


def test_cancelling_a_queued_job_and_a_running_job():
    runner = jobs.LocalJobRunner(slots=1, abandon_after_s=600)
    started: list[str] = []
    first, second = Gate("A", started), Gate("B", started)
    running_id, queued_id = runner.submit("x", gated_job(first, epochs=500)), runner.submit("y", gated_job(second))
    wait_for(lambda: started == ["A"])
    runner.cancel(queued_id)
    assert runner.status(queued_id).state is jobs.JobState.STOPPED and runner.status(queued_id).result is None
    first.opened.set()
    wait_for(lambda: (runner.status(running_id).progress or training.Progress(0, 0, 0, 1, 0, 0, None)).epoch >= 2)
    runner.cancel(running_id)
    status = runner.wait(running_id, 60)
    assert status.state is jobs.JobState.STOPPED and status.result.outcome == "stopped"
    assert 2 <= status.result.history.epochs_run < 500  # what was trained is kept, and scored
    assert status.result.evaluation is not None and started == ["A"]  # B never started


def test_a_failing_job_says_why_frees_its_slot_and_leaves_the_others_running():
    runner = jobs.LocalJobRunner(slots=2, abandon_after_s=600)
    started: list[str] = []
    healthy, failing, waiting = Gate("A", started), Gate("B", started, fail_with=MemoryError()), Gate("C", started)
    healthy_id, failing_id, waiting_id = (runner.submit("x", gated_job(gate)) for gate in (healthy, failing, waiting))
    failing.opened.set()
    status = runner.wait(failing_id, 60)
    assert status.state is jobs.JobState.FAILED and "out of memory" in status.error
    wait_for(lambda: started == ["A", "B", "C"])  # the failed job's slot went to the next in line
    assert runner.status(healthy_id).state is jobs.JobState.RUNNING
    healthy.opened.set()
    waiting.opened.set()
    assert runner.wait(healthy_id, 60).state is jobs.JobState.FINISHED
    assert runner.wait(waiting_id, 60).state is jobs.JobState.FINISHED


def test_any_exception_is_a_failure_with_its_message():
    assert jobs.failure_message(ValueError("bad shape (3, 4)")) == "Training failed: ValueError: bad shape (3, 4)"


def one_running_two_waiting(runner, owners: tuple[str, str, str]) -> tuple[list[str], list[Gate], list[str]]:
    """Three gated jobs on a one-slot runner: the first (long) runs, the other two wait."""
    started: list[str] = []
    gates = [Gate(name, started) for name in "ABC"]
    job_ids = [
        runner.submit(owner, gated_job(gate, epochs=500 if gate.name == "A" else 2))
        for owner, gate in zip(owners, gates, strict=True)
    ]
    wait_for(lambda: started == ["A"])
    return started, gates, job_ids


def test_an_abandoned_session_loses_its_jobs_and_frees_its_slot():
    now = [0.0]
    runner = jobs.LocalJobRunner(slots=1, abandon_after_s=30, clock=lambda: now[0])
    started, (gone_running, _, staying), (running_id, queued_id, staying_id) = one_running_two_waiting(
        runner, ("gone", "gone", "staying")
    )
    gone_running.opened.set()
    now[0] = 20.0
    runner.heartbeat("staying")  # only one of the two learners is still polling
    now[0] = 45.0
    runner.heartbeat("staying")
    assert runner.status(queued_id) is None  # removed: nobody is left to collect it
    wait_for(lambda: started == ["A", "C"])  # the abandoned running job stopped after its chunk
    assert runner.status(running_id) is None
    staying.opened.set()
    assert runner.wait(staying_id, 60).state is jobs.JobState.FINISHED
    assert [status.job_id for status in runner.jobs_of("staying")] == [staying_id]


def test_a_closed_tab_loses_its_jobs_after_a_short_grace_while_a_reconnect_keeps_them():
    now = [0.0]
    open_tabs = {"closing", "blinking", "staying"}
    runner = jobs.LocalJobRunner(
        slots=1, abandon_after_s=600, clock=lambda: now[0], connected=lambda owner: owner in open_tabs
    )
    started, (closing, blinking, staying), (closing_id, blinking_id, staying_id) = one_running_two_waiting(
        runner, ("closing", "blinking", "staying")
    )
    open_tabs -= {"closing", "blinking"}  # one tab is closed; the other loses its connection for a moment
    runner.heartbeat("staying")
    now[0] = jobs.DISCONNECT_GRACE_S - 1
    open_tabs.add("blinking")  # reconnected within the grace period
    runner.heartbeat("staying")
    assert runner.status(closing_id).state is jobs.JobState.RUNNING  # still within the grace period
    now[0] = jobs.DISCONNECT_GRACE_S + 1
    closing.opened.set()
    wait_for(lambda: started == ["A", "B"])  # the closed tab's running job stopped after its chunk
    assert runner.status(closing_id) is None  # and nobody is left to collect it
    blinking.opened.set()
    assert runner.wait(blinking_id, 60).state is jobs.JobState.FINISHED
    staying.opened.set()
    assert runner.wait(staying_id, 60).state is jobs.JobState.FINISHED
    assert runner.abandon_after_s == 600  # none of this waited for the poll timeout


def test_a_job_past_its_time_limit_stops_and_keeps_what_it_trained():
    runner = jobs.LocalJobRunner(slots=1, abandon_after_s=600)
    gate = Gate("A", [])
    gate.opened.set()
    job = dataclasses.replace(gated_job(gate, epochs=100_000), time_limit_s=1.0)
    status = runner.wait(runner.submit("learner", job), 60)
    history = status.result.history
    assert status.state is jobs.JobState.STOPPED and history.timed_out and history.outcome == "time limit"
    assert 0 < history.epochs_run < 100_000 and status.result.evaluation is not None
    untimed = runner.wait(runner.submit("learner", gated_job(gate, epochs=3)), 60)
    assert untimed.state is jobs.JobState.FINISHED and not untimed.result.history.timed_out


def test_slots_come_from_the_environment_or_the_cores(monkeypatch):
    monkeypatch.setenv(jobs.SLOTS_VARIABLE, "3")
    assert jobs.default_slots() == 3
    monkeypatch.setenv(jobs.SLOTS_VARIABLE, "zero")
    settings.forget()  # a server reads its settings once; this test changes them, so they are read again
    with pytest.raises(ValueError, match="TRAINING_SLOTS"):
        jobs.default_slots()
    monkeypatch.delenv(jobs.SLOTS_VARIABLE)
    assert jobs.default_slots() >= 1


FLOODER, LEARNER = "address:198.51.100.7", "address:203.0.113.5"


def test_25_sessions_from_one_address_queue_50_jobs_and_a_learner_from_another_starts_next():
    """The finding: one script opened 25 sessions and pressed Train on two lessons in each. A
    learner from another address who presses Train after them is next, within one job's time."""
    runner = jobs.LocalJobRunner(
        slots=2, abandon_after_s=600, limits=fair_queue.QueueLimits(per_client=50, total=100)
    )  # caps high enough to take the whole flood
    started: list[str] = []
    flood = [Gate(f"F{n}", started) for n in range(50)]
    flood_ids = [runner.submit(f"session-{n // 2}", gated_job(gate), client=FLOODER) for n, gate in enumerate(flood)]
    wait_for(lambda: len(started) == 2)
    learner = Gate("L", started)
    learner_id = runner.submit("learner", gated_job(learner), client=LEARNER)
    status = runner.status(learner_id)
    assert status.queue_position == 1 and status.estimated_wait_s <= jobs.DEFAULT_JOB_S  # one job's time
    assert [runner.status(job_id).queue_position for job_id in flood_ids[2:5]] == [2, 3, 4]
    assert runner.status(flood_ids[-1]).queue_position == 49
    flood[0].opened.set()  # one running job ends: its slot goes to the learner, not to the flood's third
    wait_for(lambda: len(started) == 3)
    assert started == ["F0", "F1", "L"]
    for job_id in [*flood_ids, learner_id]:
        runner.cancel(job_id)
    for gate in [*flood, learner]:
        gate.opened.set()
    for job_id in [flood_ids[1], learner_id]:  # the two still running stop after their first chunk
        assert runner.wait(job_id, 60).state is jobs.JobState.STOPPED


def test_the_places_shown_are_the_order_jobs_start_in():
    """One slot, client a's job running; a has two more waiting, then b two and c one. The places
    each job is shown are the fair order (b, c, a, b, a), and the jobs then start in that order."""
    runner = jobs.LocalJobRunner(slots=1, abandon_after_s=600)
    started: list[str] = []
    gates = {name: Gate(name, started) for name in ["a1", "a2", "a3", "b1", "b2", "c1"]}
    job_ids = {name: runner.submit(f"session-{name}", gated_job(gate), client=name[0]) for name, gate in gates.items()}
    wait_for(lambda: started == ["a1"])
    places = {name: runner.status(job_id).queue_position for name, job_id in job_ids.items() if name != "a1"}
    assert sorted(places, key=places.get) == ["b1", "c1", "a2", "b2", "a3"]
    waits = [runner.status(job_ids[name]).estimated_wait_s for name in ["b1", "c1", "a2", "b2", "a3"]]
    assert waits == sorted(waits) and waits[0] < waits[-1]
    for gate in gates.values():
        gate.opened.set()
    for job_id in job_ids.values():
        assert runner.wait(job_id, 60).state is jobs.JobState.FINISHED
    assert started == ["a1", "b1", "c1", "a2", "b2", "a3"]


def test_past_the_caps_train_is_refused_with_when_to_try_again():
    now = [0.0]
    runner = jobs.LocalJobRunner(
        slots=1, abandon_after_s=600, clock=lambda: now[0], limits=fair_queue.QueueLimits(per_client=4, total=8)
    )
    started: list[str] = []
    gates: list[Gate] = []
    queued: list[str] = []

    def press_train(session: str, client: str) -> str:
        gates.append(Gate(f"{client}/{len(gates)}", started))
        queued.append(runner.submit(session, gated_job(gates[-1]), client=client))
        return queued[-1]

    taken, refusals = [], []
    for n in range(50):  # the flood: 25 sessions, two lessons each
        try:
            taken.append(press_train(f"session-{n // 2}", FLOODER))
        except fair_queue.ServerBusy as busy:
            refusals.append(busy)
    assert len(taken) == 5 and len(refusals) == 45  # one running, four waiting
    message = str(refusals[0])
    assert "4 trainings from your network address" in message
    assert "Try again in about 10 s, when the first of them has started" in message  # DEFAULT_JOB_S, nothing measured
    press_train("learner", LEARNER)  # another address still has room, and is next
    assert runner.status(runner.jobs_of("learner")[0].job_id).queue_position == 1
    for n in range(3):
        press_train(f"neighbour-{n}", "address:192.0.2.1")
    with pytest.raises(fair_queue.ServerBusy, match=r"8 trainings already wait for its 1 training slot, as many as it"):
        press_train("late", "address:192.0.2.99")
    for job_id in queued:
        runner.cancel(job_id)
    for gate in gates:
        gate.opened.set()
    assert runner.wait(taken[0], 60).state is jobs.JobState.STOPPED and started == [gates[0].name]


def test_the_caps_come_from_the_environment_by_default(monkeypatch):
    monkeypatch.setenv(fair_queue.PER_CLIENT_VARIABLE, "2")
    monkeypatch.delenv(fair_queue.TOTAL_VARIABLE, raising=False)
    runner = jobs.LocalJobRunner(slots=3)
    assert runner.limits.per_client == 2 and runner.limits.total_for(runner.slots) == 24
