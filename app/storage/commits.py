"""Stored commit statistics, keyed by (repository, sha).

A collection run writes its commits marked `pending` with the run's id and
publishes them when git finished successfully, so a run that dies partway never
shows up as a complete history. Every step is safe to repeat: a rerun after a
crash at any point converges on each commit stored once.

Repository and run ids are stored as hex strings: the embedded server cannot
match ObjectId values outside `_id` (pinned in test_storage_contract.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
    )


class CommitStore:
    def __init__(self, db: Database) -> None:
        self._commits = db.commits

    def load(self, repo_ids: Sequence[ObjectId]) -> Iterator[CommitStats]:
        """Published commits of these repositories."""
        query = {"repo_id": {"$in": [str(i) for i in repo_ids]}, "pending": {"$exists": False}}
        for document in self._commits.find(query, {"_id": False, "repo_id": False}):
            yield from_document(document)

    def discard_pending(self, repo_id: ObjectId) -> None:
        """Forget what an interrupted run left behind."""
        self._commits.delete_many({"repo_id": str(repo_id), "pending": {"$exists": True}})

    def delete_repository(self, repo_id: ObjectId) -> None:
        self._commits.delete_many({"repo_id": str(repo_id)})

    def count(self, repo_id: ObjectId) -> int:
        return self._commits.count_documents(
            {"repo_id": str(repo_id), "pending": {"$exists": False}}
        )

    def run(self, repo_id: ObjectId, user_id: str) -> StoreRun:
        return StoreRun(self._commits, repo_id, user_id)


class StoreRun:
    """One collection run's writes: a CommitSink that publishes on `publish()`."""

    def __init__(self, commits: Collection, repo_id: ObjectId, user_id: str) -> None:
        self._commits = commits
        self._repo_id = str(repo_id)
        self._user_id = user_id
        self._run_id = str(ObjectId())
        self._replace_all = False
        self._dropped: list[str] = []
        self._added: list[str] = []

    def add(self, batch: Sequence[CommitStats]) -> None:
        documents = [
            {**to_document(stats), "repo_id": self._repo_id, "user_id": self._user_id,
             "pending": self._run_id}
            for stats in batch
        ]
        self._added.extend(stats.sha for stats in batch)
        self._commits.insert_many(documents, ordered=False)

    def remove(self, shas: Sequence[str]) -> None:
        self._dropped.extend(shas)

    def clear(self) -> None:
        self._replace_all = True

    def publish(self) -> None:
        published = {"repo_id": self._repo_id, "pending": {"$exists": False}}
        if self._replace_all:
            self._commits.delete_many(published)
        else:
            # Published twins of this run's commits exist when an earlier run
            # published but died before recording its branch tips.
            replaced = self._dropped + self._added
            if replaced:
                self._commits.delete_many({**published, "sha": {"$in": replaced}})
        self._commits.update_many(
            {"repo_id": self._repo_id, "pending": self._run_id}, {"$unset": {"pending": ""}}
        )

    def abandon(self) -> None:
        self._commits.delete_many({"repo_id": self._repo_id, "pending": self._run_id})
