"""Worker threads that claim queued repositories and collect them."""

from __future__ import annotations

import logging
import threading

from pymongo.errors import PyMongoError

from app.scheduling.collection_job import CollectionJob
from app.storage.repositories import RepositoryStore

log = logging.getLogger(__name__)


class CollectionWorker:
    """Claims queued repositories one at a time and collects them."""

    def __init__(self, job: CollectionJob, repositories: RepositoryStore, name: str,
                 idle_seconds: float = 3.0) -> None:
        self._job = job
        self._repositories = repositories
        self.name = name
        self._idle_seconds = idle_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Something was queued: look now instead of after the idle pause."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)

    def run_pending(self) -> int:
        """Collect queued repositories until none is left; returns how many."""
        collected = 0
        while not self._stopping.is_set() and (record := self._repositories.claim_next(self.name)):
            self._job.run(record)
            collected += 1
        return collected

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run_pending()
            except PyMongoError:
                # The database being away for a moment must not end the thread.
                log.warning("database unavailable; collection retries shortly", exc_info=True)
            self._wake.wait(self._idle_seconds)
            self._wake.clear()
