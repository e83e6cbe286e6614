"""Collect one claimed repository end to end: mirror -> collector -> store -> summary."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from pymongo.database import Database

from app.collector.clone_policy import check_clone_url
from app.collector.collect import CollectionOutcome, CollectionRequest, Progress, collect
from app.collector.credentials import git_config_environment
from app.collector.errors import RepositoryError
from app.collector.exclusions import UserRule
from app.collector.mirror import is_remote_url
from app.collector.mirror_cache import MirrorCache
from app.collector.repository import GitRepository
from app.crypto.envelope import DecryptionError
from app.providers.connections import Connections
from app.scheduling.heartbeat import ClaimLost, Heartbeat
from app.statistics.summary import hiding_languages, summarize
from app.storage.commits import CommitStore, StoreRun
from app.storage.connections import ConnectionStore
from app.storage.repositories import RepositoryRecord, RepositoryStore, State
from app.storage.summaries import SummaryStore
from app.storage.users import UserStore

log = logging.getLogger(__name__)

# Bump when the way commits are turned into numbers changes, so every
# repository is collected afresh once.
COLLECTOR_VERSION = 2
# An incremental run adds one published run id; past this many the next
# collection starts over, which keeps the list (and summary queries) short.
MAX_PUBLISHED_RUNS = 50


# Hosts of public repositories that may be added without a connected token.
PUBLIC_GIT_HOSTS = frozenset({"github.com", "gitlab.com"})


@dataclass(frozen=True)
class CollectionSettings:
    allow_local_paths: bool = False
    allow_internal_hosts: bool = False
    interval_seconds: float = 900.0
    time_limit_seconds: float = 3600.0
    heartbeat_seconds: float = 10.0
    retry_base_seconds: float = 60.0
    retry_max_seconds: float = 6 * 3600.0


class TimeLimitExceeded(RepositoryError):
    def __init__(self, seconds: float) -> None:
        super().__init__("time_limit", f"Collection took longer than {seconds / 60:.0f} minutes "
                                       "and was stopped; it will be retried later.")


def identity_key(emails: list[str], branches: list[str], rules: list[UserRule]) -> str:
    """Fingerprint of what a collection selected and how it counted; a change
    forces a full collection."""
    material = "|".join([str(COLLECTOR_VERSION), *sorted(emails), "--", *sorted(branches),
                         "--", *(f"{'+' if r.include else '-'}{r.pattern}" for r in rules)])
    return hashlib.sha256(material.encode()).hexdigest()


class CollectionJob:
    """Runs the collection of a claimed repository, writing only while the claim holds."""

    def __init__(self, db: Database, mirrors: MirrorCache, settings: CollectionSettings,
                 connections: Connections | None = None,
                 summary_saved: Callable[[str], None] | None = None) -> None:
        self._db = db
        self._summary_saved = summary_saved
        self._connections = connections
        self._repositories = RepositoryStore(db)
        self._commits = CommitStore(db)
        self._mirrors = mirrors
        self._settings = settings

    def run(self, record: RepositoryRecord) -> None:
        try:
            self._collect(record)
        finally:
            self._repositories.queue_again_if_asked(record.id)

    def _collect(self, record: RepositoryRecord) -> None:
        started = time.monotonic()
        user = UserStore(self._db).get(record.user_id)
        emails = user.emails if user else []
        rules = [UserRule(pattern, include) for pattern, include in
                 (user.exclusion_rules if user else [])]
        key = identity_key(emails, record.branches, rules)
        # Incremental only on top of published runs: without one there is nothing
        # the previous tips' commits could be counted from.
        incremental = (record.identity_key == key
                       and 0 < len(record.runs) < MAX_PUBLISHED_RUNS)
        self._commits.delete_unpublished(record.id, record.runs)
        store_run = self._commits.run(record.id, record.user_id)
        try:
            with Heartbeat(self._repositories, record, self._settings.heartbeat_seconds) as beat:
                repository = self._open(record, beat)
                request = CollectionRequest(
                    emails=frozenset(emails),
                    branches=tuple(record.branches),
                    previous_tips=record.tips if incremental else None,
                    user_rules=tuple(rules),
                )
                progress = self._progress_reporter(record, beat, started)
                outcome = collect(repository, request, store_run, progress)
                # Every author in the repository, for the identities page: only
                # when the history moved, since it walks all of it.
                moved = store_run.replaces_all or outcome.tips != record.tips
                authors = repository.author_counts(list(outcome.tips.values())) if moved else None
                changed = store_run.replaces_all or store_run.added or outcome.commits_dropped
                store_run.flush()
                beat.check()
                store_run.delete_dropped()
                published = self._publish(record, store_run, outcome, key, started)
        except ClaimLost:
            log.warning("claim on %s lost; discarding this run", record.id)
            store_run.abandon()
            return
        except RepositoryError as error:
            store_run.abandon()
            log.warning("collecting %s failed: %s", record.id, error.code)
            if error.code == "token_rejected":
                self._reject_token(record, error.message)
            self._fail(record, error.code, error.message)
            return
        except Exception:
            store_run.abandon()
            log.exception("collecting %s failed unexpectedly", record.id)
            self._fail(record, "internal_error",
                       "Collection failed because of an error on our side; it will be retried.")
            return
        if not published:
            store_run.abandon()
            return
        log.info("collected %s: %d commits stored, %d dropped, in %.1f s", record.id,
                 store_run.added, outcome.commits_dropped, time.monotonic() - started)
        if store_run.replaces_all:
            self._commits.delete_unpublished(record.id, [store_run.run_id])
        if authors is not None:
            self._repositories.set_authors(record.id, authors)
        # Nothing new (most scheduled runs): the counts and the summary stand, unless
        # the run that last changed them died before it could save them.
        if not changed and not self._summary_older_than(record):
            return
        fresh = self._repositories.get(record.id)
        if fresh is not None:
            self._repositories.set_commit_count(record.id, self._commits.count_own(fresh.runs))
        self.refresh_summary(record.user_id)

    def _summary_older_than(self, record: RepositoryRecord) -> bool:
        """Whether the user's summary predates this repository's previous publication."""
        version = SummaryStore(self._db).version(record.user_id)
        return version is None or version < (record.last_success_at or 0)

    def refresh_summary(self, user_id: str) -> None:
        """Sum the user's visible repositories from stored commits (no git runs)."""
        user = UserStore(self._db).get(user_id)
        runs = [run for record in self._repositories.for_user(user_id) if not record.hidden
                for run in record.runs]
        hidden = user.hidden_languages if user else []
        summary = summarize(hiding_languages(self._commits.load(runs), hidden))
        SummaryStore(self._db).save(user_id, summary)
        if self._summary_saved:
            self._summary_saved(user_id)

    def forget(self, record: RepositoryRecord) -> None:
        """Remove a repository's statistics and mirror (the user removed it)."""
        self._repositories.remove(record.id)
        self._commits.delete_repository(record.id)
        self._mirrors.remove(str(record.id))
        self.refresh_summary(record.user_id)

    def _publish(self, record: RepositoryRecord, store_run: StoreRun,
                 outcome: CollectionOutcome, key: str, started: float) -> bool:
        return self._repositories.publish(
            record, run_id=store_run.run_id, replace_runs=store_run.replaces_all,
            adds_commits=store_run.added > 0, tips=outcome.tips,
            branches_missing=outcome.branches_missing, identity_key=key,
            duration=time.monotonic() - started,
            next_due=time.time() + self._settings.interval_seconds,
        )

    def _reject_token(self, record: RepositoryRecord, message: str) -> None:
        if record.connection_id:
            connection = ConnectionStore(self._db).get(record.user_id, record.connection_id)
            if connection is not None and self._connections is not None:
                self._connections.mark_rejected(connection, message)

    def _fail(self, record: RepositoryRecord, code: str, message: str) -> None:
        delay = min(self._settings.retry_base_seconds * 2 ** record.attempts,
                    self._settings.retry_max_seconds)
        self._repositories.fail(record, code, message, retry_at=time.time() + delay)

    def _open(self, record: RepositoryRecord, beat: Heartbeat) -> GitRepository:
        if not self._repositories.set_state(record, State.CLONING):
            beat.lose()
        beat.check()
        return self._mirrors.update(str(record.id), record.source,
                                    environment=self._git_environment(record),
                                    # The deadline is checked as commits arrive;
                                    # this only bounds a clone that hangs.
                                    timeout=max(self._settings.time_limit_seconds, 60))

    def _git_environment(self, record: RepositoryRecord) -> dict[str, str]:
        """The token (if any) and host pinning for this clone, as git settings in
        its environment; refuses sources this server may not clone."""
        if not is_remote_url(record.source):
            if not self._settings.allow_local_paths:
                raise RepositoryError("local_path_refused",
                                      "Local paths can only be collected in local mode.")
            return {}
        settings: list[tuple[str, str]] = []
        hosts: set[str] = set(PUBLIC_GIT_HOSTS)
        if record.connection_id:
            connection = ConnectionStore(self._db).get(record.user_id, record.connection_id)
            if connection is None or self._connections is None:
                raise RepositoryError("connection_removed", "The connection this repository "
                                      "came through was removed: connect the provider again.")
            try:
                hosts, authorization = self._connections.clone_settings(connection)
            except DecryptionError as error:
                raise RepositoryError("token_unreadable", str(error)) from error
            settings.append(authorization)
        if not self._settings.allow_local_paths:
            settings += check_clone_url(record.source, hosts,
                                        self._settings.allow_internal_hosts)
        return git_config_environment(settings) if settings else {}

    def _progress_reporter(self, record: RepositoryRecord, beat: Heartbeat,
                           started: float) -> Progress:
        last_write = 0.0
        deadline = started + self._settings.time_limit_seconds

        def report(done: int, total: int) -> None:
            nonlocal last_write
            now = time.monotonic()
            if now > deadline:
                raise TimeLimitExceeded(self._settings.time_limit_seconds)
            # A database write per commit would cost more than the commit.
            if now - last_write >= 0.5:
                last_write = now
                if not self._repositories.set_progress(record, done, total):
                    beat.lose()
                beat.check()

        return report
