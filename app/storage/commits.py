"""Stored commit statistics, keyed by (repository, sha, run).

Each collection run tags the commits it writes with its run id. The repository
record names its unfinished run (`active_run`) until the run succeeds, and
summaries leave unfinished runs out, so a run that dies partway never shows up
as a complete history. Finishing a run costs no bulk update: it deletes what
the run replaced and clears `active_run`. Every step is safe to repeat, so a
rerun after a crash at any point converges on each commit stored once.

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

    def load(self, repo_ids: Sequence[ObjectId],
             unfinished_runs: Sequence[str] = ()) -> Iterator[CommitStats]:
        """Commits of these repositories written by runs that finished."""
        query = {"repo_id": {"$in": [str(i) for i in repo_ids]},
                 "run": {"$nin": list(unfinished_runs)}}
        for document in self._commits.find(query, {"_id": False, "repo_id": False,
                                                    "run": False, "user_id": False}):
            yield from_document(document)

    def count_own(self, repo_id: ObjectId) -> int:
        """The user's own non-merge commits in a repository, as the CV counts them."""
        return self._commits.count_documents(
            {"repo_id": str(repo_id), "role": "author", "merge": False}
        )

    def delete_run(self, repo_id: ObjectId, run_id: str) -> None:
        """Forget what an unfinished run wrote."""
        self._commits.delete_many({"repo_id": str(repo_id), "run": run_id})

    def delete_repository(self, repo_id: ObjectId) -> None:
        self._commits.delete_many({"repo_id": str(repo_id)})

    def run(self, repo_id: ObjectId, user_id: str) -> StoreRun:
        return StoreRun(self._commits, repo_id, user_id)


class StoreRun:
    """One collection run's writes: a CommitSink whose deletions wait for `finish()`.

    Inserts run on a writer thread, one batch in flight, so git and the
    database work at the same time while memory stays bounded.
    """

    def __init__(self, commits: Collection, repo_id: ObjectId, user_id: str) -> None:
        self._commits = commits
        self._repo_id = str(repo_id)
        self._user_id = user_id
        self.run_id = str(ObjectId())
        self._replace_all = False
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

    def _wait_for_writer(self) -> None:
        """Block until the previous insert is done; re-raise its error, if any."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()

    def remove(self, shas: Sequence[str]) -> None:
        self._dropped.extend(shas)

    def clear(self) -> None:
        self._replace_all = True

    def finish(self) -> None:
        """Delete what this run replaced; the caller then clears `active_run`."""
        self._wait_for_writer()
        self._writer.shutdown()
        older = {"repo_id": self._repo_id, "run": {"$ne": self.run_id}}
        if self._replace_all:
            self._commits.delete_many(older)
        elif self._dropped:
            self._commits.delete_many({**older, "sha": {"$in": self._dropped}})

    def abandon(self) -> None:
        # Wait so no insert lands after the delete; its error no longer matters.
        with contextlib.suppress(Exception):
            self._wait_for_writer()
        self._writer.shutdown()
        self._commits.delete_many({"repo_id": self._repo_id, "run": self.run_id})
