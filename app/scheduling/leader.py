"""A leader lock in MongoDB: at most one instance runs the schedule at a time.

The lease document holds the owner, a version that every renewal increments,
and a fencing number that grows with each new leader. No instance compares its
wall clock with another's: a follower measures, on its own monotonic clock, how
long the version has stood still, and takes over only after a full lease with
no renewal. The leader counts its lease from *before* it sent the renewal and
gives up early by a safety margin, so it stops acting before any follower can
start, whatever the clocks' offsets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from pymongo import ReturnDocument
from pymongo.collection import Collection

log = logging.getLogger(__name__)

# The leader trusts only this share of its lease, leaving room for clock-rate
# drift and for a renewal answer that arrives late.
SAFETY_SHARE = 0.75


class LeaderLock:
    def __init__(self, locks: Collection, name: str, owner: str, lease_seconds: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._locks = locks
        self._name = name
        self.owner = owner
        self.lease_seconds = lease_seconds
        self._clock = clock
        self.fence: int | None = None
        self._valid_until = 0.0
        self._seen_version: int | None = None
        self._seen_at = 0.0
        self._locks.update_one(
            {"_id": name}, {"$setOnInsert": {"owner": None, "version": 0, "fence": 0}},
            upsert=True,
        )

    def is_leader(self) -> bool:
        """True while this process may act as leader (checked just before acting)."""
        return self.fence is not None and self._clock() < self._valid_until

    def tick(self) -> bool:
        """Renew the lease if we hold it, or take it over if it lapsed; call every
        lease/3 seconds. Returns whether we are the leader now."""
        if self.fence is not None:
            self._renew()
        if self.fence is None:
            self._try_take_over()
        return self.is_leader()

    def release(self) -> None:
        """Give the lease up at shutdown so another instance takes over at once."""
        if self.fence is not None:
            self._locks.update_one({"_id": self._name, "owner": self.owner, "fence": self.fence},
                                   {"$set": {"owner": None}, "$inc": {"version": 1}})
        self.fence = None
        self._valid_until = 0.0

    def describe(self) -> dict[str, Any]:
        return self._locks.find_one({"_id": self._name}) or {}

    def _renew(self) -> None:
        sent = self._clock()
        renewed = self._locks.find_one_and_update(
            {"_id": self._name, "owner": self.owner, "fence": self.fence},
            {"$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if renewed is None:
            log.warning("leader lease %s lost (fence %s)", self._name, self.fence)
            self.fence = None
            self._valid_until = 0.0
        else:
            self._valid_until = sent + self.lease_seconds * SAFETY_SHARE

    def _try_take_over(self) -> None:
        now = self._clock()
        lease = self._locks.find_one({"_id": self._name})
        if lease is None:
            return
        if lease["version"] != self._seen_version:
            self._seen_version, self._seen_at = lease["version"], now
        lapsed = now - self._seen_at >= self.lease_seconds
        if lease["owner"] is not None and not lapsed:
            return
        sent = self._clock()
        taken = self._locks.find_one_and_update(
            {"_id": self._name, "version": lease["version"]},
            {"$set": {"owner": self.owner}, "$inc": {"version": 1, "fence": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if taken is not None:
            self.fence = taken["fence"]
            self._valid_until = sent + self.lease_seconds * SAFETY_SHARE
            log.info("became leader of %s with fence %s", self._name, self.fence)
