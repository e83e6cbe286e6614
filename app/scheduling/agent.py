"""What one instance runs in the background: collection workers always, and the
schedule (due repositories, stale claims) only while it holds the leader lock."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from pymongo.database import Database
from pymongo.errors import PyMongoError

from app.scheduling.collection_job import CollectionJob
from app.scheduling.leader import LeaderLock
from app.scheduling.reaper import Reaper
from app.scheduling.worker import CollectionWorker
from app.storage.repositories import RepositoryStore

log = logging.getLogger(__name__)

LEADER_LOCK_NAME = "scheduler"


@dataclass(frozen=True)
class AgentSettings:
    workers: int = 2
    schedule_pass_seconds: float = 60.0
    leader_lease_seconds: float = 30.0
    item_lease_seconds: float = 90.0


def instance_id() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


class InstanceAgent:
    def __init__(self, db: Database, job: CollectionJob, settings: AgentSettings) -> None:
        self.id = instance_id()
        self._db = db
        self._settings = settings
        self._repositories = RepositoryStore(db)
        self.leader = LeaderLock(db.locks, LEADER_LOCK_NAME, self.id,
                                 settings.leader_lease_seconds)
        self._reaper = Reaper(self._repositories, settings.item_lease_seconds)
        self._was_leader = False
        self.workers = [CollectionWorker(job, self._repositories, f"{self.id}/worker-{n}")
                        for n in range(settings.workers)]
        self._scheduler = BackgroundScheduler(daemon=True)

    def start(self) -> None:
        settings = self._settings
        jobs = ((self._lead, settings.leader_lease_seconds / 3),
                (self._schedule_pass, settings.schedule_pass_seconds),
                (self._reap, settings.item_lease_seconds / 3))
        for function, seconds in jobs:
            self._scheduler.add_job(function, "interval", seconds=seconds, max_instances=1,
                                    coalesce=True, misfire_grace_time=None,
                                    next_run_time=datetime.now())
        self._scheduler.start()
        for worker in self.workers:
            worker.start()
        log.info("collection agent %s started with %d workers", self.id, len(self.workers))

    def stop(self) -> None:
        """Stop workers and give up leadership; safe to call more than once."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        for worker in self.workers:
            worker.stop()
        try:
            self.leader.release()
        except PyMongoError:
            log.warning("could not release the leader lock; it will lapse", exc_info=True)

    def wake(self) -> None:
        for worker in self.workers:
            worker.wake()

    def _lead(self) -> None:
        try:
            leading = self.leader.tick()
        except PyMongoError:
            log.warning("leader lock unreachable", exc_info=True)
            leading = False
        if leading != self._was_leader:
            self._reaper.reset()
            self._was_leader = leading

    def _schedule_pass(self) -> None:
        if not self.leader.is_leader():
            return
        started = time.monotonic()
        queued = self._repositories.queue_due(time.time())
        if queued:
            self.wake()
        self._db.scheduler_status.replace_one(
            {"_id": "last_pass"},
            {"_id": "last_pass", "at": time.time(), "seconds": time.monotonic() - started,
             "queued": queued, "leader": self.id, "fence": self.leader.fence},
            upsert=True,
        )

    def _reap(self) -> None:
        if self.leader.is_leader() and self._reaper.sweep():
            self.wake()
