"""How the machine's cores are shared between trainings. TensorFlow-free: `core/__init__.py`
sizes TensorFlow's pools here before TensorFlow starts.

TensorFlow has one intra-op thread pool per process, sized once when its runtime starts. It is
as wide as the machine (`intraop_threads`), so a training that runs alone uses every core; the
training slots share it by taking turns (`turn`): one compiled chunk of steps at a time has the
whole pool, and trainings that run together interleave chunk by chunk instead of splitting the
cores and oversubscribing them. Measured on a 2-core AMD EPYC (2026-12-07), one training alone:

| | 1 thread | 2 threads |
| --- | --- | --- |
| Lesson 2, XLA, 5 epochs | 2.98 s | 2.29-2.35 s |
| Lesson 2, no XLA | 4.63 s | 9.37 s |
| Lesson 3, 1 epoch of 20%, bfloat16 | 3.34 s | 2.79 s |
| Lesson 3, same, float32 | 5.20 s | 3.70 s |

and two of the same at once (each, wall, on a busy machine): Lesson 2 with XLA took 6.2 s on
one-thread pools side by side and 11.2 s sharing a two-thread pool without turns; Lesson 3 in
bfloat16 6.4-10.1 s side by side. Taking turns on the whole pool, two trainings should finish in
about twice one's time (worked out, not measured: 4.6 s and 5.6 s), so a class loses little and a
learner alone gains the whole machine; `bench class_load` measures the class as a whole.

Overrides: `TF_NUM_INTRAOP_THREADS` sets the pool's width (then `cores // width` chunks may run
at once: `TF_NUM_INTRAOP_THREADS=1` on two cores brings back one thread per training side by
side); `TRAINING_SLOTS` sets how many trainings are in progress at once (default: one per core,
so two learners both see their training move); both are read with the server's other settings
(`core.base.settings`). A Ray worker's pool is as wide as its task's CPUs
(`core.engine.ray_jobs` sets TF_NUM_INTRAOP_THREADS in the workers' environment).
"""

from __future__ import annotations

import collections
import contextlib
import os
import threading
from collections.abc import Iterator

from core.base import settings

SLOTS_VARIABLE = settings.SLOTS_VARIABLE
INTRAOP_VARIABLE = settings.INTRAOP_VARIABLE
INTEROP_VARIABLE = "TF_NUM_INTEROP_THREADS"  # written for TensorFlow, never read: one inter-op thread


def cores() -> int:
    """The cores this process may use (its CPU affinity, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def training_slots(server_settings: settings.ServerSettings | None = None) -> int:
    """Trainings in progress at once on this server: TRAINING_SLOTS, else one per core."""
    return (server_settings or settings.current()).training_slots or cores()


def intraop_threads(server_settings: settings.ServerSettings | None = None) -> int:
    """The width of TensorFlow's intra-op pool: TF_NUM_INTRAOP_THREADS, else every core."""
    return (server_settings or settings.current()).intraop_threads or cores()


def concurrent_chunks(server_settings: settings.ServerSettings | None = None) -> int:
    """How many compiled chunks may run at once: as many pools' widths as fit in the cores."""
    return max(1, cores() // intraop_threads(server_settings))


def configure_tensorflow() -> None:
    """Sets the pools' sizes in the environment, before TensorFlow starts (it reads them once from
    there). Reads the server's settings, so a wrong one stops the server before anything else runs."""
    os.environ.setdefault(INTRAOP_VARIABLE, str(intraop_threads()))
    os.environ.setdefault(INTEROP_VARIABLE, "1")


class Turns:
    """First come, first served turns on the machine: at most `width` holders at once, and a
    waiter is served before anyone who asks after it (a training that just had its turn asks
    again behind the others, so trainings that run together interleave)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._lock = threading.Lock()
        self._holders = 0
        self._waiting: collections.deque[threading.Event] = collections.deque()

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        ticket = threading.Event()
        with self._lock:
            if self._holders < self.width and not self._waiting:
                self._holders += 1
                ticket.set()
            else:
                self._waiting.append(ticket)
        ticket.wait()
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting.popleft().set()  # the turn passes straight to the next in line
                else:
                    self._holders -= 1

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)


_TURNS: Turns | None = None
_TURNS_LOCK = threading.Lock()


def machine() -> Turns:
    """This process's turns on its TensorFlow pool."""
    global _TURNS
    with _TURNS_LOCK:
        if _TURNS is None:
            _TURNS = Turns(concurrent_chunks())
        return _TURNS
