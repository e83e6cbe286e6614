"""Stored commit statistics, keyed by (repository, sha, run).

Each collection run tags the commits it writes with its run id, and only runs
that the repository record lists as published count. Publishing is one
conditional update of the record (see repositories.py), so a run that dies
partway, or a worker that lost its claim, never shows up as a complete history;
what such runs wrote is invisible and swept away by the next collection.

Repository and run ids are stored as hex strings: the embedded server cannot
match ObjectId values outside `_id` (pinned in test_storage_contract.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from bson import ObjectId
from pymongo.collection import Collection
from pymongo.database import Database

from app.statistics.model import CommitStats, LineCounts, Role


def to_document(stats: CommitStats) -> dict:
    # Language names are values, not keys: names such as "ASP.NET" contain dots.
    return {
        "sha": stats.sha,
        "ts": stats.authored_at,
        "role": stats.role.value,
        "merge": stats.is_merge,
        "kind": stats.kind,
        "files": stats.files_changed,
        "outlier": stats.outlier,
        "langs": [[name, c.added, c.removed] for name, c in stats.languages.items()],
        "excluded": [[reason, c.added, c.removed] for reason, c in stats.excluded.items()],
        "infra": stats.infrastructure,
        "pkgs": [list(package) for package in stats.packages],
        "xfiles": [list(entry) for entry in stats.excluded_files],
    }


def from_document(document: dict) -> CommitStats:
    return CommitStats(
        sha=document["sha"],
        authored_at=document["ts"],
        role=Role(document["role"]),
        is_merge=document["merge"],
        kind=document.get("kind"),
        files_changed=document["files"],
        outlier=document["outlier"],
        languages={name: LineCounts(a, r) for name, a, r in document["langs"]},
        excluded={reason: LineCounts(a, r) for reason, a, r in document["excluded"]},
        infrastructure=document.get("infra", []),
        packages=[(ecosystem, name) for ecosystem, name in document.get("pkgs", [])],
        excluded_files=[tuple(entry) for entry in document.get("xfiles", [])],
        repository=document.get("repo_id"),
    )


class CommitStore:
    def __init__(self, db: Database) -> None:
        self._commits = db.commits

    def load(self, published_runs: Sequence[str]) -> Iterator[CommitStats]:
        """Commits written by these runs (run ids are unique across repositories).

        One equality query per run: the embedded server uses the index for
        equality but scans the whole collection for `$in`."""
        projection = {"_id": False, "run": False, "user_id": False}
        for run in published_runs:
            for document in self._commits.find({"run": run}, projection):
                yield from_document(document)

    def count_own(self, published_runs: Sequence[str]) -> int:
        """The user's own non-merge commits in these runs, as the CV counts them.
        Counted from a find: the embedded server's count_documents scans everything."""
        return sum(
            1 for run in published_runs
            for _ in self._commits.find({"run": run, "role": "author", "merge": False},
                                        {"_id": True})
        )

    def delete_unpublished(self, repo_id: ObjectId, published_runs: Sequence[str]) -> None:
        """Sweep away what unfinished, failed or superseded runs wrote."""
        self._commits.delete_many({"repo_id": str(repo_id), "run": {"$nin": list(published_runs)}})

    def delete_repository(self, repo_id: ObjectId) -> None:
        self._commits.delete_many({"repo_id": str(repo_id)})

    def run(self, repo_id: ObjectId, user_id: str) -> StoreRun:
        return StoreRun(self._commits, repo_id, user_id)


class StoreRun:
    """One collection run's writes, as a CommitSink.

    Inserts run on a writer thread, one batch in flight, so git and the
    database work at the same time while memory stays bounded.
    """

    def __init__(self, commits: Collection, repo_id: ObjectId, user_id: str) -> None:
        self._commits = commits
        self._repo_id = str(repo_id)
        self._user_id = user_id
        self.run_id = str(ObjectId())
        self.replaces_all = False
        self.added = 0
        self._dropped: list[str] = []
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commit-writer")
        self._in_flight: Future | None = None

    def add(self, batch: Sequence[CommitStats]) -> None:
        documents = [
            {**to_document(stats), "repo_id": self._repo_id, "user_id": self._user_id,
             "run": self.run_id}
            for stats in batch
        ]
        self._wait_for_writer()
        self._in_flight = self._writer.submit(self._commits.insert_many, documents,
                                              ordered=False)
        self.added += len(documents)

    def remove(self, shas: Sequence[str]) -> None:
        self._dropped.extend(shas)

    def clear(self) -> None:
        self.replaces_all = True

    def flush(self) -> None:
        """Wait for every insert; raises if one failed."""
        self._wait_for_writer()
        self._writer.shutdown()

    def delete_dropped(self) -> None:
        """Delete commits a force-push made unreachable. Done before publishing:
        a crash then leaves the old tips, and the rerun finds the same commits."""
        if self._dropped and not self.replaces_all:
            self._commits.delete_many({"repo_id": self._repo_id, "sha": {"$in": self._dropped},
                                       "run": {"$ne": self.run_id}})

    def abandon(self) -> None:
        # Wait so no insert lands after the delete; its error no longer matters.
        with contextlib.suppress(Exception):
            self._wait_for_writer()
        self._writer.shutdown()
        self._commits.delete_many({"repo_id": self._repo_id, "run": self.run_id})

    def _wait_for_writer(self) -> None:
        """Block until the previous insert is done; re-raise its error, if any."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()
