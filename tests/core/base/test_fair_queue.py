"""The fair queue as plain data: whose job starts next, every waiting job's place and wait, the
caps and their message, and which client a visitor counts as."""

from __future__ import annotations

import pytest

from core.base import fair_queue, settings
from core.base.fair_queue import Running, Waiting

FLOODER, LEARNER = "address:198.51.100.7", "address:203.0.113.5"


def flood(jobs: int, client: str = FLOODER, first: float = 0.0) -> list[Waiting]:
    return [Waiting(f"{client}-{n}", client, first + n) for n in range(jobs)]


def test_a_learners_first_job_goes_ahead_of_a_flooders_tenth():
    waiting = [*flood(48), Waiting("learner", LEARNER, submitted=100.0)]  # came last, after 48 others
    assert fair_queue.next_job(waiting, {FLOODER: 2}, {FLOODER: 5.0}).job_id == "learner"
    places = fair_queue.plan(waiting, [Running(FLOODER, 7.0), Running(FLOODER, 3.0)], {FLOODER: 5.0}, 2, 20.0, 10.0)
    assert places[0] == fair_queue.Place("learner", 1, 3.0)  # starts when the first running job ends
    assert [place.job_id for place in places[1:4]] == [f"{FLOODER}-{n}" for n in range(3)]  # first come, first served
    assert len(places) == 49 and [place.position for place in places] == list(range(1, 50))


def test_without_a_queue_of_its_own_a_client_waits_first_come_first_served():
    waiting = [Waiting("b", "B", 2.0), Waiting("a", "A", 1.0), Waiting("c", "C", 3.0)]
    places = fair_queue.plan(waiting, [Running("D", 4.0)], {"D": 0.0}, 1, 10.0, 0.0)
    assert [(place.job_id, place.wait_s) for place in places] == [("a", 4.0), ("b", 14.0), ("c", 24.0)]


def test_busy_clients_take_turns_and_the_one_served_longest_ago_goes_first():
    """One slot, A's job running: B, never served, goes first; then A and B alternate, so A's
    second job (queued before all of B's) does not jump B's first when A's running job ends."""
    waiting = [*flood(3, "A", first=1.0), *flood(3, "B", first=10.0)]
    places = fair_queue.plan(waiting, [Running("A", 5.0)], {"A": 0.0}, 1, 10.0, 0.0)
    assert [place.job_id for place in places] == ["B-0", "A-0", "B-1", "A-1", "B-2", "A-2"]
    assert [place.wait_s for place in places] == [5.0, 15.0, 25.0, 35.0, 45.0, 55.0]
    assert fair_queue.next_job(waiting, {"A": 0, "B": 0}, {"A": 3.0, "B": 2.0}).job_id == "B-0"  # served longer ago
    assert fair_queue.next_job(waiting, {"A": 0, "B": 1}, {"A": 3.0, "B": 2.0}).job_id == "A-0"  # fewer running


def test_when_more_jobs_run_than_there_are_slots_none_starts_until_enough_have_ended():
    """A Ray cluster that lost a node has fewer slots than jobs running."""
    places = fair_queue.plan([Waiting("w", "W", 0.0)], [Running("A", 5.0), Running("B", 8.0)], {}, 1, 10.0, 0.0)
    assert places == [fair_queue.Place("w", 1, 8.0)]
    assert fair_queue.plan([], [Running("A", 5.0)], {}, 1, 10.0, 0.0) == []
    assert fair_queue.next_job([], {}, {}) is None


def busy_message(client: str, places: list[fair_queue.Place], clients: dict[str, str], limits) -> str:
    with pytest.raises(fair_queue.ServerBusy) as refused:
        fair_queue.check_room(client, places, clients, 2, limits)
    return str(refused.value)


def test_a_client_with_its_share_waiting_is_told_when_to_try_again():
    waiting = [*flood(4), Waiting("other", LEARNER, 0.5)]
    places = fair_queue.plan(waiting, [Running(FLOODER, 12.0), Running(FLOODER, 30.0)], {}, 2, 20.0, 0.0)
    clients = {job.job_id: job.client for job in waiting}
    limits = fair_queue.QueueLimits(per_client=4, total=16)
    message = busy_message(FLOODER, places, clients, limits)
    assert message.startswith("The server is busy: 4 trainings from your network address")
    assert "as many as one visitor may queue here" in message
    # The learner's job takes the first free slot (12 s); the flooder's first waiting job the next (30 s).
    assert "Try again in about 30 s, when the first of them has started" in message
    fair_queue.check_room(LEARNER, places, clients, 2, limits)  # another client still has room
    assert "from your account" in busy_message(
        "account:someone", places, {**clients, **dict.fromkeys(clients, "account:someone")}, limits
    )


def test_a_full_queue_refuses_everyone_and_says_when_the_next_job_starts():
    waiting = flood(2) + flood(2, LEARNER)
    places = fair_queue.plan(waiting, [Running(FLOODER, 140.0), Running(LEARNER, 200.0)], {}, 2, 60.0, 0.0)
    clients = {job.job_id: job.client for job in waiting}
    message = busy_message("address:192.0.2.1", places, clients, fair_queue.QueueLimits(per_client=4, total=4))
    assert message.startswith("The server is busy: 4 trainings already wait for its 2 training slots")
    assert "Nothing was started. Try again in about 3 min, when the next one has started" in message
    assert "minutes" not in message and "822" not in message


@pytest.mark.parametrize(
    ("environ", "per_client", "total_for_two_slots"),
    [
        ({}, 4, 16),
        ({"QUEUE_PER_CLIENT": "2", "QUEUE_TOTAL": "30"}, 2, 30),
        ({"QUEUE_PER_CLIENT": "0", "QUEUE_TOTAL": "many"}, 4, 16),
    ],
)
def test_the_caps_come_from_the_environment(environ, per_client, total_for_two_slots):
    limits = fair_queue.QueueLimits.from_settings(settings.ServerSettings.from_environment(environ))
    assert limits.per_client == per_client and limits.total_for(2) == total_for_two_slots


@pytest.mark.parametrize(
    ("seconds", "words"), [(0.0, "about 5 s"), (12.0, "about 15 s"), (90.0, "about 90 s"), (822.0, "about 14 min")]
)
def test_waits_in_words(seconds, words):
    assert fair_queue.describe_wait(seconds) == words


@pytest.mark.parametrize(
    ("arguments", "key"),
    [
        (
            {"account": "https://accounts.google.com 1234", "address": "198.51.100.7"},
            "account:https://accounts.google.com 1234",
        ),
        ({"address": "198.51.100.7"}, "address:198.51.100.7"),
        ({}, "session:tab-1"),  # a connection from this machine has no address
        # X-Forwarded-For is anyone's to write: ignored unless the operator trusts a proxy.
        ({"address": "198.51.100.7", "forwarded_for": ["203.0.113.5"]}, "address:198.51.100.7"),
        # Behind one proxy, the hop it added (the last); what the visitor wrote before it is ignored.
        (
            {"address": "10.0.0.2", "forwarded_for": ["1.2.3.4, 203.0.113.5"], "trusted_proxies": 1},
            "address:203.0.113.5",
        ),
        (
            {"address": None, "forwarded_for": ["1.2.3.4", "203.0.113.5, 10.0.0.9"], "trusted_proxies": 2},
            "address:203.0.113.5",
        ),
        ({"address": "10.0.0.2", "forwarded_for": [], "trusted_proxies": 1}, "address:10.0.0.2"),
        ({"address": "2001:db8:1:2:aaaa::1"}, "address:2001:db8:1:2::/64"),  # one host's /64 is one client
        ({"address": "2001:db8:1:2:ffff::9"}, "address:2001:db8:1:2::/64"),
        ({"address": "::ffff:198.51.100.7"}, "address:198.51.100.7"),
    ],
)
def test_which_client_a_visitor_counts_as(arguments, key):
    assert fair_queue.client_key("tab-1", **arguments) == key


@pytest.mark.parametrize(("value", "proxies"), [(None, 0), ("1", 1), ("2", 2), ("yes", 0), ("-1", 0)])
def test_trusted_proxies_come_from_the_environment(value, proxies):
    environ = {} if value is None else {fair_queue.TRUSTED_PROXY_VARIABLE: value}
    assert fair_queue.trusted_proxies(settings.ServerSettings.from_environment(environ)) == proxies
