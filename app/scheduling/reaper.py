"""Finds collections whose worker stopped heartbeating and queues them again.

Staleness is judged on this process's monotonic clock: a running record whose
heartbeat has not moved for a whole item lease is taken back, fenced on the
heartbeat value seen, so no wall clocks of other instances are compared.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from app.storage.repositories import RepositoryStore

log = logging.getLogger(__name__)


class Reaper:
    def __init__(self, repositories: RepositoryStore, lease_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._repositories = repositories
        self._lease_seconds = lease_seconds
        self._clock = clock
        # (repo id, claim) -> (heartbeat seen, when it was first seen at that value)
        self._seen: dict[tuple[object, str | None], tuple[int, float]] = {}

    def reset(self) -> None:
        """Forget observations (after leadership changed hands)."""
        self._seen.clear()

    def sweep(self) -> int:
        now = self._clock()
        seen: dict[tuple[object, str | None], tuple[int, float]] = {}
        requeued = 0
        for record in self._repositories.running():
            key = (record.id, record.claim)
            heartbeat, since = self._seen.get(key, (record.heartbeat, now))
            if heartbeat != record.heartbeat:
                heartbeat, since = record.heartbeat, now
            if now - since >= self._lease_seconds and self._repositories.requeue_stale(record):
                log.warning("requeued %s: its worker stopped heartbeating", record.id)
                requeued += 1
                continue
            seen[key] = (heartbeat, since)
        self._seen = seen
        return requeued
