"""A fair share of the training slots: whose turn is next, where each waiting job stands, and when
the queue is full.

One visitor's script once opened 25 sessions, pressed Train 50 times in 22 s, and the next learner
was told "number 43 in the queue, about 822 s". So the queue is not one first-come, first-served
line. Every job counts against a client: the signed-in account, else the visitor's network address
(`client_key`). When a slot frees, the next job is the oldest waiting job of the client with the
fewest trainings running, and between equals the client served longest ago (`next_job`): a
learner's first job goes ahead of a flooder's tenth. A client may have `QUEUE_PER_CLIENT` jobs
waiting (4), the whole server `QUEUE_TOTAL` (8 per training slot); past either, Train is refused
with `ServerBusy`, which says how long to wait before trying again, instead of a promise of a
quarter of an hour.

A job's browser session (its owner, who alone sees it) is a different thing: 25 sessions from one
address are 25 owners and one client. Everything here is plain data, so the order is tested
without threads.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.base import language, settings

PER_CLIENT_VARIABLE = settings.PER_CLIENT_VARIABLE  # jobs one client may have waiting
TOTAL_VARIABLE = settings.TOTAL_VARIABLE  # jobs the whole server keeps waiting
TRUSTED_PROXY_VARIABLE = settings.TRUSTED_PROXY_VARIABLE  # proxies in front whose X-Forwarded-For is trusted
DEFAULT_PER_CLIENT = settings.DEFAULT_PER_CLIENT
DEFAULT_TOTAL_PER_SLOT = 8
IPV6_PREFIX = 64  # one IPv6 host holds a whole /64 and may use any address in it


@dataclass(frozen=True)
class QueueLimits:
    """How many jobs may wait for a slot: per client, and on the whole server."""

    per_client: int = DEFAULT_PER_CLIENT
    total: int | None = None  # None: DEFAULT_TOTAL_PER_SLOT for each training slot

    def total_for(self, slots: int) -> int:
        return self.total if self.total is not None else DEFAULT_TOTAL_PER_SLOT * slots

    @classmethod
    def from_settings(cls, server_settings: settings.ServerSettings | None = None) -> QueueLimits:
        """QUEUE_PER_CLIENT and QUEUE_TOTAL, whole numbers of at least 1; anything else is the default."""
        chosen = server_settings or settings.current()
        return cls(per_client=chosen.queue_per_client, total=chosen.queue_total)


@dataclass(frozen=True)
class Waiting:
    """A job waiting for a slot."""

    job_id: str
    client: str
    submitted: float  # when it was queued: first come, first served within one client


@dataclass(frozen=True)
class Running:
    """A job holding a slot, and about how long it will keep it."""

    client: str
    seconds_left: float


@dataclass(frozen=True)
class Place:
    """Where a waiting job stands: 1 = next to start, and about when it starts."""

    job_id: str
    position: int
    wait_s: float


def next_job(
    waiting: Sequence[Waiting], running: Mapping[str, int], last_started: Mapping[str, float]
) -> Waiting | None:
    """The job to start when a slot frees: the oldest waiting job of the client with the fewest
    jobs running; between equals, the client whose last job started longest ago (never comes
    first), then the one that has waited longest."""
    heads: dict[str, Waiting] = {}
    for job in sorted(waiting, key=lambda job: job.submitted):
        heads.setdefault(job.client, job)
    if not heads:
        return None
    return min(
        heads.values(),
        key=lambda job: (running.get(job.client, 0), last_started.get(job.client, -math.inf), job.submitted),
    )


def plan(
    waiting: Sequence[Waiting],
    running: Sequence[Running],
    last_started: Mapping[str, float],
    slots: int,
    typical_s: float,
    now: float,
) -> list[Place]:
    """Every waiting job's place and wait, by playing the queue forward: the running jobs end
    after their time left, each waiting job is guessed to take `typical_s`, and each freed slot
    takes the job `next_job` picks then."""
    order = itertools.count()  # breaks ties between slots that free at the same moment
    free_at = [(job.seconds_left, next(order), job.client) for job in running]
    free_at += [(0.0, next(order), "") for _ in range(slots - len(running))]
    heapq.heapify(free_at)
    counts = Counter(job.client for job in running)
    served = dict(last_started)
    left = list(waiting)
    places: list[Place] = []
    while left and free_at:
        at, _, ended = heapq.heappop(free_at)
        if ended:
            counts[ended] -= 1
        if len(free_at) >= slots:  # more jobs were running than there are slots: this one frees none
            continue
        job = next_job(left, counts, served)
        if job is None:
            break
        left.remove(job)
        counts[job.client] += 1
        served[job.client] = now + at
        places.append(Place(job.job_id, len(places) + 1, at))
        heapq.heappush(free_at, (at + typical_s, next(order), job.client))
    return places


class ServerBusy(language.LearnerError):
    """Train was refused because too many jobs are waiting: the reason (`message`, in the
    learner's language), and when trying again is worth it."""

    def __init__(self, key: str, retry_after_s: float, **values: object) -> None:
        super().__init__(key, **values)
        self.retry_after_s = retry_after_s


def check_room(
    client: str, places: Sequence[Place], clients: Mapping[str, str], slots: int, limits: QueueLimits
) -> None:
    """Raises `ServerBusy` when `client` already has its share of waiting jobs, or the server's
    queue is full. `places` is the queue as `plan` orders it; `clients` says whose each job is."""
    mine = [place for place in places if clients[place.job_id] == client]
    if len(mine) >= limits.per_client:
        retry = mine[0].wait_s
        raise ServerBusy(
            _SAID + ("busy_mine_one" if len(mine) == 1 else "busy_mine"),
            retry,
            trainings=_count(len(mine), "training"),
            whose=_whose(client),
            retry=wait_message(retry),
        )
    total = limits.total_for(slots)
    if len(places) >= total:
        retry = places[0].wait_s if places else 0.0
        raise ServerBusy(
            _SAID + "busy_full",
            retry,
            trainings=_count(len(places), "training"),
            slots=_count(slots, "slot"),
            retry=wait_message(retry),
        )


_SAID = "base.messages.fair_queue."


def describe_wait(seconds: float) -> str:
    """A wait in words, never "0 s": "about 15 s", "about 4 min" (`wait_message` in any language)."""
    return str(wait_message(seconds))


def wait_message(seconds: float) -> language.Message:
    if seconds <= 90:
        return language.Message(_SAID + "wait_seconds", {"seconds": max(5, 5 * math.ceil(seconds / 5))})
    return language.Message(_SAID + "wait_minutes", {"minutes": math.ceil(seconds / 60)})


def _count(number: int, thing: str) -> language.Message:
    """ "1 training", "3 training slots" (`thing` is "training" or "slot")."""
    return language.Message(_SAID + f"{thing}_{'one' if number == 1 else 'many'}", {"count": number})


def _whose(client: str) -> language.Message:
    kind = client.split(":", 1)[0]
    if kind == "account":
        return language.Message(_SAID + "your_account")
    if kind == "address":
        return language.Message(_SAID + "your_address")
    return language.Message(_SAID + "this_tab")


def client_key(
    session: str,
    account: str | None = None,
    address: str | None = None,
    forwarded_for: Sequence[str] = (),
    trusted_proxies: int = 0,
) -> str:
    """Whose share of the slots a session's jobs count against: "account:..." when the visitor is
    signed in; else "address:..." for the address they connect from, read from X-Forwarded-For
    only when the operator says `trusted_proxies` reverse proxies stand in front of the server (the
    address the nearest of them saw, counted from the right: a client can write anything to the
    left of it); else, with no address at all (a connection from this machine), "session:...".
    An IPv6 address counts by its /64, which one host can fill with addresses of its own."""
    if account:
        return f"account:{account}"
    if trusted_proxies > 0:
        hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
        if len(hops) >= trusted_proxies:
            address = hops[-trusted_proxies]
    if not address:
        return f"session:{session}"
    return f"address:{_network(address)}"


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:  # not an address (a proxy's own label): counted as written
        return address.strip()
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def trusted_proxies(server_settings: settings.ServerSettings | None = None) -> int:
    """TRUSTED_PROXY: how many reverse proxies stand in front of the server (1 for one); unset, 0 or
    anything else, X-Forwarded-For is ignored, since any visitor can send one."""
    return (server_settings or settings.current()).trusted_proxies
