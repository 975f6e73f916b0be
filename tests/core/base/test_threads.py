"""The rule that shares the machine's cores between trainings (`core.base.threads`)."""

from __future__ import annotations

import threading
import time

import pytest

from core.base import settings, threads


@pytest.fixture
def four_cores(monkeypatch):
    monkeypatch.setattr(threads, "cores", lambda: 4)
    for variable in (threads.SLOTS_VARIABLE, threads.INTRAOP_VARIABLE):
        monkeypatch.delenv(variable, raising=False)


def test_a_training_alone_gets_the_whole_machine_and_trainings_take_turns_on_it(four_cores):
    assert threads.intraop_threads() == 4
    assert threads.concurrent_chunks() == 1
    assert threads.training_slots() == 4  # four learners each see their training move


def test_the_overrides_are_read_in_one_place(four_cores, monkeypatch):
    monkeypatch.setenv(threads.INTRAOP_VARIABLE, "1")
    monkeypatch.setenv(threads.SLOTS_VARIABLE, "3")
    assert threads.intraop_threads() == 1
    assert threads.concurrent_chunks() == 4  # one-thread pools: four chunks side by side
    assert threads.training_slots() == 3
    assert threads.concurrent_chunks(settings.ServerSettings(intraop_threads=2)) == 2


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_wrong_override_is_refused_with_its_name(four_cores, monkeypatch, value):
    monkeypatch.setenv(threads.SLOTS_VARIABLE, value)
    with pytest.raises(ValueError, match=threads.SLOTS_VARIABLE):
        threads.training_slots()


def test_tensorflow_got_the_pools_before_it_started():
    """`core` sets them when it is imported, before any of its modules imports TensorFlow."""
    import os

    import tensorflow as tf

    assert int(os.environ[threads.INTRAOP_VARIABLE]) == threads.intraop_threads()
    assert tf.config.threading.get_intra_op_parallelism_threads() in (0, threads.intraop_threads())


def test_turns_are_served_first_come_first_served_and_a_returning_holder_queues_behind():
    turns = threads.Turns(width=1)
    order: list[str] = []
    first_holds, release_first = threading.Event(), threading.Event()

    def first() -> None:
        with turns.turn():
            first_holds.set()
            release_first.wait()
            order.append("first")
        with turns.turn():  # asks again at once: behind those already waiting
            order.append("first again")

    def waiter(name: str) -> None:
        with turns.turn():
            order.append(name)

    holder = threading.Thread(target=first)
    holder.start()
    first_holds.wait()
    waiters = []
    for name in ("second", "third"):
        waiters.append(threading.Thread(target=waiter, args=(name,)))
        waiters[-1].start()
        while turns.waiting < len(waiters):
            time.sleep(0.001)
    release_first.set()
    for thread in (holder, *waiters):
        thread.join(5)
    assert order == ["first", "second", "third", "first again"]


def test_turns_let_as_many_holders_as_their_width():
    turns = threads.Turns(width=2)
    inside, most = 0, 0
    lock = threading.Lock()

    def hold() -> None:
        nonlocal inside, most
        with turns.turn():
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.02)
            with lock:
                inside -= 1

    workers = [threading.Thread(target=hold) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(5)
    assert most == 2
