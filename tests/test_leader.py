"""The leader lock: one leader at a time, takeover after a lapse, no trust in wall clocks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from app.scheduling.leader import LeaderLock

LEASE = 30.0


class FakeClock:
    """A monotonic clock per process; offsets differ on purpose."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(mongo_uri: str) -> Iterator[Database]:
    client: MongoClient = MongoClient(mongo_uri)
    name = f"test_leader_{uuid.uuid4().hex[:8]}"
    yield client[name]
    client.drop_database(name)


def lock(db: Database, owner: str, clock: FakeClock) -> LeaderLock:
    return LeaderLock(db.locks, "scheduler", owner, LEASE, clock)


def test_the_first_instance_becomes_leader_with_fence_one(db: Database) -> None:
    a = lock(db, "a", FakeClock(0))
    assert a.tick() and a.is_leader()
    assert a.fence == 1


def test_a_second_instance_stays_follower_while_the_leader_renews(db: Database) -> None:
    clock_a, clock_b = FakeClock(0), FakeClock(5_000)
    a, b = lock(db, "a", clock_a), lock(db, "b", clock_b)
    a.tick()
    for _ in range(20):
        clock_a.now += LEASE / 3
        clock_b.now += LEASE / 3
        assert a.tick()
        assert not b.tick()


def test_a_follower_takes_over_only_after_a_whole_lease_without_renewal(db: Database) -> None:
    clock_a, clock_b = FakeClock(0), FakeClock(-1_000_000)
    a, b = lock(db, "a", clock_a), lock(db, "b", clock_b)
    a.tick()
    b.tick()  # b first sees the lease here
    clock_b.now += LEASE - 1
    assert not b.tick()
    clock_b.now += 1
    assert b.tick()
    assert b.fence == 2


def test_the_old_leader_stops_acting_before_anyone_can_take_over(db: Database) -> None:
    clock_a, clock_b = FakeClock(100), FakeClock(7)
    a, b = lock(db, "a", clock_a), lock(db, "b", clock_b)
    a.tick()
    b.tick()
    # a stalls (no renewals). Whatever instant b takes over, a has stopped before.
    for step in range(int(LEASE) + 1):
        clock_a.now += 1
        clock_b.now += 1
        b_leads = b.tick()
        assert not (b_leads and a.is_leader()), f"two leaders after {step + 1} s"
    assert b.is_leader() and not a.is_leader()


def test_a_deposed_leader_learns_it_lost_on_its_next_renewal(db: Database) -> None:
    clock_a, clock_b = FakeClock(0), FakeClock(0)
    a, b = lock(db, "a", clock_a), lock(db, "b", clock_b)
    a.tick()
    b.tick()
    clock_b.now += LEASE
    assert b.tick()
    assert not a.tick()
    assert a.fence is None


def test_released_lease_is_taken_at_once(db: Database) -> None:
    a, b = lock(db, "a", FakeClock(0)), lock(db, "b", FakeClock(0))
    a.tick()
    b.tick()
    a.release()
    assert b.tick() and b.fence == 2


def test_fencing_number_grows_with_every_new_leader(db: Database) -> None:
    clocks = [FakeClock(0) for _ in range(3)]
    locks = [lock(db, name, clock) for name, clock in zip("abc", clocks, strict=True)]
    fences = []
    for index, current in enumerate(locks):
        current.tick()
        if index:
            clocks[index].now += LEASE
            current.tick()
        fences.append(current.fence)
        current.release()
    assert fences == [1, 2, 3]
