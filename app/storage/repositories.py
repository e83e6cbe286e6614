"""Repository records: what to collect, where its collection stands, and the
work-queue fields that let any instance claim a collection.

A claim is a random token: every write a worker makes about its collection is
conditioned on still holding it, so a worker whose claim was taken away (it
stopped heartbeating and was requeued) can no longer publish anything.

Times are stored as epoch seconds (floats): the embedded server turns datetimes
written through `$set` into strings, and numbers compare the same everywhere.
Only due times and backoff use wall clocks, where a skew of seconds is harmless.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.database import Database


class State(StrEnum):
    QUEUED = "queued"
    CLONING = "cloning"
    COLLECTING = "collecting"
    DONE = "done"
    ERROR = "error"


ACTIVE_STATES = (State.CLONING.value, State.COLLECTING.value)
RESTING_STATES = (State.DONE.value, State.ERROR.value)


@dataclass
class RepositoryRecord:
    id: ObjectId
    user_id: str
    source: str
    name: str
    state: State
    branches: list[str] = field(default_factory=list)
    # Branches the user named that the last collection did not find.
    branches_missing: list[str] = field(default_factory=list)
    tips: dict[str, str] = field(default_factory=dict)
    identity_key: str | None = None
    runs: list[str] = field(default_factory=list)
    claim: str | None = None
    heartbeat: int = 0
    attempts: int = 0
    progress_done: int = 0
    progress_total: int = 0
    error_code: str | None = None
    error_message: str | None = None
    commit_count: int = 0
    last_success_at: float | None = None
    last_duration: float | None = None
    queued_at: float | None = None
    due_at: float | None = None
    # Privacy: a hidden repository is left out of every public page; a private
    # one is counted but never named there.
    hidden: bool = False
    public: bool = False
    web_url: str | None = None
    owned: bool = True
    authors: list[list] = field(default_factory=list)
    connection_id: str | None = None

    @property
    def open_source(self) -> bool:
        """A public repository the user does not own: an open-source contribution."""
        return self.public and not self.owned

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> RepositoryRecord:
        known = {name for name in cls.__dataclass_fields__ if name != "id"}
        values = {name: value for name, value in document.items() if name in known}
        # The embedded server returns booleans written through `$set` as 0 and 1.
        for name in _BOOLEAN_FIELDS.intersection(values):
            values[name] = bool(values[name])
        values["state"] = State(document["state"])
        return cls(id=document["_id"], **values)


_BOOLEAN_FIELDS = {name for name, spec in RepositoryRecord.__dataclass_fields__.items()
                   if spec.type == "bool"}


def display_name(source: str) -> str:
    """A short name for a path or URL: its last one or two components."""
    trimmed = source.rstrip("/").removesuffix(".git")
    parts = [part for part in trimmed.replace(":", "/").split("/") if part]
    return "/".join(parts[-2:]) if len(parts) >= 2 else trimmed


class RepositoryStore:
    def __init__(self, db: Database) -> None:
        self._repositories = db.repositories

    # Records

    def add(self, user_id: str, source: str, branches: list[str] | None = None,
            **details: Any) -> ObjectId:
        """Add a repository, or for one added already, add the new branches and queue it.
        `details` are set on a new record (connection_id, public, owned, web_url)."""
        existing = self.find(user_id, source)
        if existing:
            wanted = list(dict.fromkeys([*existing.branches, *(branches or [])]))
            if wanted != existing.branches:
                self.set_branches(existing.id, wanted)
            return existing.id
        now = time.time()
        document = {
            "user_id": user_id,
            "source": source,
            "name": display_name(source),
            "branches": branches or [],
            "state": State.QUEUED.value,
            "queued_at": now,
            "due_at": now,
            "runs": [],
            **details,
        }
        return self._repositories.insert_one(document).inserted_id

    def find(self, user_id: str, source: str) -> RepositoryRecord | None:
        document = self._repositories.find_one({"user_id": user_id, "source": source})
        return RepositoryRecord.from_document(document) if document else None

    def get(self, repo_id: ObjectId) -> RepositoryRecord | None:
        document = self._repositories.find_one({"_id": repo_id})
        return RepositoryRecord.from_document(document) if document else None

    def for_user(self, user_id: str) -> list[RepositoryRecord]:
        documents = self._repositories.find({"user_id": user_id}).sort("name", 1)
        return [RepositoryRecord.from_document(document) for document in documents]

    def remove(self, repo_id: ObjectId) -> None:
        self._repositories.delete_one({"_id": repo_id})

    def set_commit_count(self, repo_id: ObjectId, count: int) -> None:
        self._repositories.update_one({"_id": repo_id}, {"$set": {"commit_count": count}})

    def set_authors(self, repo_id: ObjectId, authors: list[tuple[str, int]]) -> None:
        """Every author email in the repository with its commit count (identities)."""
        self._repositories.update_one({"_id": repo_id},
                                      {"$set": {"authors": [list(a) for a in authors]}})

    def set_branches(self, repo_id: ObjectId, branches: list[str]) -> None:
        """Collect exactly these branches besides the default one, starting now."""
        self._repositories.update_one({"_id": repo_id}, {"$set": {"branches": branches}})
        self.queue({"_id": repo_id})

    def set_privacy(self, repo_id: ObjectId, *, hidden: bool, public: bool) -> None:
        self._repositories.update_one({"_id": repo_id},
                                      {"$set": {"hidden": hidden, "public": public}})

    # Queueing

    def queue(self, query: dict[str, Any]) -> int:
        """Queue matching repositories; one being collected right now is marked to
        run again when it finishes (what changed may not be in its current run)."""
        queued = self._queue_resting(query)
        self._repositories.update_many({**query, "state": {"$in": list(ACTIVE_STATES)}},
                                       {"$set": {"again": True}})
        return queued

    def _queue_resting(self, query: dict[str, Any]) -> int:
        now = time.time()
        result = self._repositories.update_many(
            {**query, "state": {"$in": list(RESTING_STATES)}},
            {"$set": {"state": State.QUEUED.value, "queued_at": now, "due_at": now}},
        )
        return result.modified_count

    def queue_again_if_asked(self, repo_id: ObjectId) -> bool:
        """After a run ends: queue it once more if that was asked for meanwhile."""
        result = self._repositories.update_one(
            {"_id": repo_id, "again": True, "state": {"$in": list(RESTING_STATES)}},
            {"$set": {"state": State.QUEUED.value, "queued_at": time.time(), "again": False}},
        )
        return result.modified_count == 1

    def queue_due(self, now: float) -> int:
        """The scheduling pass: queue every resting repository whose time has come.

        A collection under way still carries the due time that started it: it is
        not asked to run again, or every scheduled collection would run twice."""
        return self._queue_resting({"due_at": {"$lte": now}})

    def claim_next(self, worker: str) -> RepositoryRecord | None:
        """Atomically take the oldest queued repository with a fresh claim, or None."""
        document = self._repositories.find_one_and_update(
            {"state": State.QUEUED.value},
            {"$set": {"state": State.CLONING.value, "claim": secrets.token_hex(12),
                      "claimed_by": worker, "heartbeat": 0, "progress_done": 0,
                      "progress_total": 0}},
            sort=[("queued_at", 1)],
            return_document=ReturnDocument.AFTER,
        )
        return RepositoryRecord.from_document(document) if document else None

    def running(self) -> list[RepositoryRecord]:
        documents = self._repositories.find({"state": {"$in": list(ACTIVE_STATES)}})
        return [RepositoryRecord.from_document(document) for document in documents]

    def requeue_stale(self, record: RepositoryRecord) -> bool:
        """Take a collection away from a worker whose heartbeat stopped; fenced on
        the heartbeat seen, so a worker that beat meanwhile keeps its claim."""
        result = self._repositories.update_one(
            {"_id": record.id, "claim": record.claim, "heartbeat": record.heartbeat},
            {"$set": {"state": State.QUEUED.value, "queued_at": time.time(), "claim": None,
                      "claimed_by": None,
                      "error_message": "The worker collecting it stopped responding; "
                                       "collection restarted."},
             "$inc": {"attempts": 1}},
        )
        return result.modified_count == 1

    def counts_by_state(self) -> dict[str, int]:
        return {state.value: self._repositories.count_documents({"state": state.value})
                for state in State}

    # Writes fenced by the claim: each returns False once the claim is lost.

    def _claimed(self, record: RepositoryRecord, update: dict[str, Any]) -> bool:
        result = self._repositories.update_one({"_id": record.id, "claim": record.claim}, update)
        return result.matched_count == 1

    def beat(self, record: RepositoryRecord) -> bool:
        return self._claimed(record, {"$inc": {"heartbeat": 1}})

    def set_state(self, record: RepositoryRecord, state: State) -> bool:
        return self._claimed(record, {"$set": {"state": state.value}, "$inc": {"heartbeat": 1}})

    def set_progress(self, record: RepositoryRecord, done: int, total: int) -> bool:
        return self._claimed(record, {
            "$set": {"state": State.COLLECTING.value, "progress_done": done,
                     "progress_total": total},
            "$inc": {"heartbeat": 1},
        })

    def publish(self, record: RepositoryRecord, *, run_id: str, replace_runs: bool,
                adds_commits: bool, tips: dict[str, str], branches_missing: list[str],
                identity_key: str, duration: float, next_due: float) -> bool:
        """Make a finished run visible: the one step that commits a collection."""
        update: dict[str, Any] = {"$set": {
            "state": State.DONE.value, "tips": tips, "branches_missing": branches_missing,
            "identity_key": identity_key,
            "last_success_at": time.time(), "last_duration": duration, "due_at": next_due,
            "attempts": 0, "error_code": None, "error_message": None, "claim": None,
        }}
        if replace_runs:
            update["$set"]["runs"] = [run_id]
        elif adds_commits:
            update["$push"] = {"runs": run_id}
        return self._claimed(record, update)

    def fail(self, record: RepositoryRecord, code: str, message: str, retry_at: float) -> bool:
        return self._claimed(record, {
            "$set": {"state": State.ERROR.value, "error_code": code, "error_message": message,
                     "due_at": retry_at, "claim": None},
            "$inc": {"attempts": 1},
        })
