"""Collect one repository record end to end: mirror -> collector -> store -> summary."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from pymongo.database import Database

from app.collector.collect import CollectionRequest, Progress, collect
from app.collector.errors import RepositoryError
from app.collector.mirror import Mirror, is_remote_url
from app.collector.repository import GitRepository
from app.statistics.summary import summarize
from app.storage.commits import CommitStore
from app.storage.repositories import RepositoryRecord, RepositoryStore, State
from app.storage.summaries import SummaryStore
from app.storage.users import UserStore

log = logging.getLogger(__name__)

# Bump when the way commits are turned into numbers changes, so every
# repository is collected afresh once.
COLLECTOR_VERSION = 1


def identity_key(emails: list[str], branches: list[str]) -> str:
    """Fingerprint of what a collection selected; a change forces a full collection."""
    material = "|".join([str(COLLECTOR_VERSION), *sorted(emails), "--", *sorted(branches)])
    return hashlib.sha256(material.encode()).hexdigest()


class CollectionJob:
    """Runs collections for repository records, recording progress and errors."""

    def __init__(self, db: Database, mirrors_dir: Path, allow_local_paths: bool) -> None:
        self._db = db
        self._repositories = RepositoryStore(db)
        self._commits = CommitStore(db)
        self._mirrors_dir = mirrors_dir
        self._allow_local_paths = allow_local_paths

    def run(self, record: RepositoryRecord) -> None:
        started = time.monotonic()
        user = UserStore(self._db).get(record.user_id)
        emails = user.emails if user else []
        key = identity_key(emails, record.branches)
        if record.active_run:
            # A previous run died before finishing: what it wrote is incomplete.
            self._commits.delete_run(record.id, record.active_run)
        store_run = self._commits.run(record.id, record.user_id)
        self._repositories.start_run(record.id, store_run.run_id)
        try:
            repository = self._open(record)
            self._repositories.set_progress(record.id, 0, 0)
            request = CollectionRequest(
                emails=frozenset(emails),
                branches=tuple(record.branches),
                previous_tips=record.tips if record.identity_key == key else None,
            )
            outcome = collect(repository, request, store_run, self._progress_reporter(record))
            store_run.finish()
        except RepositoryError as error:
            store_run.abandon()
            log.warning("collecting %s failed: %s", record.id, error.code)
            self._repositories.record_error(record.id, error.code, error.message)
            return
        except Exception:
            store_run.abandon()
            log.exception("collecting %s failed unexpectedly", record.id)
            self._repositories.record_error(
                record.id, "internal_error",
                "Collection failed because of an error on our side; it will be retried.",
            )
            return
        count = self._commits.count_own(record.id)
        self._repositories.record_success(
            record.id, outcome.tips, key, count, time.monotonic() - started
        )
        self.refresh_summary(record.user_id)

    def refresh_summary(self, user_id: str) -> None:
        records = self._repositories.for_user(user_id)
        commits = self._commits.load([record.id for record in records],
                                     [record.active_run for record in records if record.active_run])
        SummaryStore(self._db).save(user_id, summarize(commits))

    def _open(self, record: RepositoryRecord) -> GitRepository:
        if not is_remote_url(record.source) and not self._allow_local_paths:
            raise RepositoryError(
                "local_path_refused", "Local paths can only be collected in local mode."
            )
        self._repositories.set_state(record.id, State.CLONING)
        return Mirror(record.source, self._mirrors_dir / f"{record.id}.git").update()

    def _progress_reporter(self, record: RepositoryRecord) -> Progress:
        last_write = 0.0

        def report(done: int, total: int) -> None:
            nonlocal last_write
            # A database write per commit would cost more than the commit.
            now = time.monotonic()
            if now - last_write >= 0.5:
                last_write = now
                self._repositories.set_progress(record.id, done, total)

        return report
