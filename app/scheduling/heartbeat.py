"""Keeps a worker's claim on a collection alive, and notices when it is lost."""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from pymongo.errors import PyMongoError

from app.storage.repositories import RepositoryRecord, RepositoryStore

log = logging.getLogger(__name__)


class ClaimLost(Exception):
    """Another worker owns this collection now; ours must not write anything."""


class Heartbeat:
    """Beats every `interval` seconds on a thread while the collection runs."""

    def __init__(self, repositories: RepositoryStore, record: RepositoryRecord,
                 interval: float) -> None:
        self._repositories = repositories
        self._record = record
        self._interval = interval
        self._stopped = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stopped.set()
        self._thread.join()

    def check(self) -> None:
        if self._lost.is_set():
            raise ClaimLost(f"claim on {self._record.id} was taken over")

    def lose(self) -> None:
        self._lost.set()

    def _beat(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                if not self._repositories.beat(self._record):
                    self._lost.set()
                    return
            except PyMongoError:
                # A database away for a moment is not a lost claim; the lease
                # on the other side is long enough to ride it out.
                log.warning("heartbeat for %s failed; retrying", self._record.id)
