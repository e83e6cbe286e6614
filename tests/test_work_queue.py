"""Collections as work items: claimed once, fenced, retried, reaped, time-limited."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from pymongo.database import Database

from app.collector.mirror_cache import MirrorCache
from app.scheduling.collection_job import CollectionJob, CollectionSettings
from app.scheduling.instance_lock import InstanceLock
from app.scheduling.reaper import Reaper
from app.statistics.model import CommitStats, Role
from app.storage.commits import CommitStore
from app.storage.repositories import RepositoryStore, State
from app.storage.summaries import SummaryStore
from app.storage.users import UserStore
from tests.gitrepos import RepoBuilder

ME = "me@example.com"


@pytest.fixture
def db(app: Flask) -> Database:
    return app.extensions["db"]


@pytest.fixture
def repositories(db: Database) -> RepositoryStore:
    return RepositoryStore(db)


def make_job(db: Database, tmp_path: Path, **settings: float) -> CollectionJob:
    mirrors = MirrorCache(tmp_path / "mirrors", budget_bytes=1 << 30)
    return CollectionJob(db, mirrors, CollectionSettings(allow_local_paths=True, **settings))


def project(tmp_path: Path, commits: int = 3) -> RepoBuilder:
    repo = RepoBuilder(tmp_path / f"project-{commits}")
    for n in range(commits):
        repo.lines(f"src/file{n}.py", 10)
        repo.commit(email=ME)
    return repo


def own_commits(db: Database) -> int:
    summary = SummaryStore(db).get("u1")
    return summary.commits if summary else 0


@pytest.fixture
def user(db: Database) -> None:
    UserStore(db).ensure("u1", "u1", "User One")
    UserStore(db).set_emails("u1", [ME])


def test_each_queued_repository_is_claimed_by_exactly_one_worker(
    repositories: RepositoryStore
) -> None:
    for n in range(60):
        repositories.add("u1", f"/r/{n}")
    claimed: list[str] = []

    def worker(name: str) -> None:
        while record := repositories.claim_next(name):
            claimed.append(str(record.id))

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == 60 and len(set(claimed)) == 60


def test_a_worker_whose_claim_was_taken_writes_nothing(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(project(tmp_path).path))
    stale = repositories.claim_next("slow-worker")
    assert repositories.requeue_stale(stale)
    make_job(db, tmp_path).run(stale)
    record = repositories.get(repo_id)
    assert record.state is State.QUEUED and record.runs == []
    assert db.commits.count_documents({}) == 0


def test_the_new_claimant_publishes_and_the_old_one_cannot(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(project(tmp_path).path))
    stale = repositories.claim_next("slow-worker")
    repositories.requeue_stale(stale)
    fresh = repositories.claim_next("fast-worker")
    make_job(db, tmp_path).run(fresh)
    late = repositories.publish(stale, run_id="late-run", replace_runs=True, adds_commits=True,
                                tips={}, branches_missing=[], identity_key="x", duration=1.0,
                                next_due=0.0)
    assert late is False
    assert repositories.get(repo_id).runs != ["late-run"]
    assert own_commits(db) == 3


def test_commits_of_a_run_that_died_are_never_counted(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(project(tmp_path).path))
    crashed = CommitStore(db).run(repo_id, "u1")
    crashed.add([CommitStats(sha=f"{n:040d}", authored_at=1_700_000_000, role=Role.AUTHOR)
                 for n in range(5)])
    crashed.flush()  # ...and the process died before publishing.
    job = make_job(db, tmp_path)
    job.refresh_summary("u1")
    assert own_commits(db) == 0
    job.run(repositories.claim_next("w"))
    assert own_commits(db) == 3
    assert db.commits.count_documents({"repo_id": str(repo_id)}) == 3


def test_recollecting_after_a_restart_counts_each_commit_once(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo = project(tmp_path)
    repo_id = repositories.add("u1", str(repo.path))
    job = make_job(db, tmp_path)
    job.run(repositories.claim_next("w"))
    repo.lines("more.py", 4)
    repo.commit(email=ME)
    for _ in range(3):
        repositories.queue({"_id": repo_id})
        job.run(repositories.claim_next("w"))
    assert own_commits(db) == 4
    assert db.commits.count_documents({"repo_id": str(repo_id)}) == 4
    assert repositories.get(repo_id).commit_count == 4


def test_failures_back_off_exponentially_and_show_the_last_error(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(tmp_path / "missing"))
    job = make_job(db, tmp_path, retry_base_seconds=60)
    delays = []
    for _ in range(3):
        repositories.queue({"_id": repo_id})
        before = time.time()
        job.run(repositories.claim_next("w"))
        record = repositories.get(repo_id)
        delays.append(round((record.due_at - before) / 60))
    assert record.state is State.ERROR and record.attempts == 3
    assert "No repository was found at this address" in record.error_message
    assert delays == [1, 2, 4]


def test_success_resets_the_backoff_and_schedules_the_next_collection(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(project(tmp_path).path))
    before = time.time()
    make_job(db, tmp_path, interval_seconds=900).run(repositories.claim_next("w"))
    record = repositories.get(repo_id)
    assert record.state is State.DONE and record.attempts == 0
    assert 899 <= record.due_at - before <= 905


def test_a_collection_over_its_time_limit_is_stopped_with_a_clear_error(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(project(tmp_path, commits=30).path))
    make_job(db, tmp_path, time_limit_seconds=0).run(repositories.claim_next("w"))
    record = repositories.get(repo_id)
    assert (record.state, record.error_code) == (State.ERROR, "time_limit")
    assert db.commits.count_documents({}) == 0


def test_the_scheduling_pass_queues_only_resting_repositories_that_are_due(
    db: Database, repositories: RepositoryStore
) -> None:
    due, later, running = (repositories.add("u1", f"/r/{n}") for n in range(3))
    db.repositories.update_one({"_id": due}, {"$set": {"state": "done", "due_at": 100.0}})
    db.repositories.update_one({"_id": later}, {"$set": {"state": "error", "due_at": 300.0}})
    db.repositories.update_one({"_id": running}, {"$set": {"state": "collecting",
                                                           "due_at": 100.0}})
    assert repositories.queue_due(now=200.0) == 1
    assert [repositories.get(i).state for i in (due, later, running)] == [
        State.QUEUED, State.ERROR, State.COLLECTING]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_reaper_requeues_only_collections_whose_heartbeat_stopped(
    repositories: RepositoryStore
) -> None:
    repositories.add("u1", "/r/silent")
    repositories.add("u1", "/r/beating")
    silent = repositories.claim_next("dead-worker")
    beating = repositories.claim_next("live-worker")
    clock = Clock()
    reaper = Reaper(repositories, lease_seconds=90, clock=clock)
    assert reaper.sweep() == 0
    for _ in range(3):
        clock.now += 45
        repositories.beat(beating)
        reaper.sweep()
    assert repositories.get(silent.id).state is State.QUEUED
    assert repositories.get(beating.id).state is State.CLONING


def test_least_recently_used_mirrors_are_evicted_to_fit_the_budget(tmp_path: Path) -> None:
    cache = MirrorCache(tmp_path / "mirrors", budget_bytes=1)
    sources = [project(tmp_path / f"s{n}", commits=1) for n in range(3)]
    for n, source in enumerate(sources):
        cache.update(f"m{n}", str(source.path))
        time.sleep(0.01)
    assert [p.name for p in sorted((tmp_path / "mirrors").glob("*.git"))] == ["m2.git"]


def test_only_one_process_per_machine_runs_the_agent(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path / "agent.lock"), InstanceLock(tmp_path / "agent.lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()


def test_a_change_during_a_collection_queues_the_repository_once_more(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(project(tmp_path).path))
    running = repositories.claim_next("w")
    assert repositories.queue({"_id": repo_id}) == 0  # e.g. the user changed emails
    make_job(db, tmp_path).run(running)
    assert repositories.get(repo_id).state is State.QUEUED


def test_a_scheduling_pass_during_a_collection_does_not_run_it_twice(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    repo_id = repositories.add("u1", str(project(tmp_path).path))
    running = repositories.claim_next("w")
    # The collection under way still carries the due time that started it.
    assert repositories.queue_due(time.time()) == 0
    make_job(db, tmp_path).run(running)
    assert repositories.get(repo_id).state is State.DONE


def collect_twice(db: Database, repositories: RepositoryStore, tmp_path: Path,
                  between: Callable[[], object]) -> None:
    """Collect an unchanged repository twice, doing `between` in between."""
    repo_id = repositories.add("u1", str(project(tmp_path).path))
    job = make_job(db, tmp_path)
    job.run(repositories.claim_next("w"))
    between()
    repositories.queue({"_id": repo_id})
    job.run(repositories.claim_next("w"))
    assert repositories.get(repo_id).state is State.DONE


def test_a_collection_that_finds_nothing_new_leaves_the_summary_alone(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    versions = []
    collect_twice(db, repositories, tmp_path,
                  between=lambda: versions.append(SummaryStore(db).version("u1")))
    assert SummaryStore(db).version("u1") == versions[0]


def test_a_summary_lost_after_a_collection_is_rebuilt_by_the_next_one(
    db: Database, repositories: RepositoryStore, user: None, tmp_path: Path
) -> None:
    # As if the process had died between publishing and saving the summary.
    collect_twice(db, repositories, tmp_path, between=lambda: db.summaries.delete_many({}))
    assert own_commits(db) == 3
