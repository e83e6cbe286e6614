"""Repository records: what to collect, and where its collection stands.

Times are stored as epoch seconds (floats): the embedded server turns datetimes
written through `$set` into strings, and numbers compare the same everywhere.
"""

from __future__ import annotations

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


@dataclass
class RepositoryRecord:
    id: ObjectId
    user_id: str
    source: str
    name: str
    state: State
    branches: list[str] = field(default_factory=list)
    tips: dict[str, str] = field(default_factory=dict)
    identity_key: str | None = None
    progress_done: int = 0
    progress_total: int = 0
    error_code: str | None = None
    error_message: str | None = None
    commit_count: int = 0
    last_success_at: float | None = None
    last_duration: float | None = None
    queued_at: float | None = None
    active_run: str | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> RepositoryRecord:
        return cls(
            id=document["_id"],
            user_id=document["user_id"],
            source=document["source"],
            name=document["name"],
            state=State(document["state"]),
            branches=document.get("branches", []),
            tips=document.get("tips", {}),
            identity_key=document.get("identity_key"),
            progress_done=document.get("progress_done", 0),
            progress_total=document.get("progress_total", 0),
            error_code=document.get("error_code"),
            error_message=document.get("error_message"),
            commit_count=document.get("commit_count", 0),
            last_success_at=document.get("last_success_at"),
            last_duration=document.get("last_duration"),
            queued_at=document.get("queued_at"),
            active_run=document.get("active_run"),
        )


def display_name(source: str) -> str:
    """A short name for a path or URL: its last one or two components."""
    trimmed = source.rstrip("/").removesuffix(".git")
    parts = [part for part in trimmed.replace(":", "/").split("/") if part]
    return "/".join(parts[-2:]) if len(parts) >= 2 else trimmed


class RepositoryStore:
    def __init__(self, db: Database) -> None:
        self._repositories = db.repositories

    def add(self, user_id: str, source: str, branches: list[str] | None = None) -> ObjectId:
        existing = self._repositories.find_one({"user_id": user_id, "source": source})
        if existing:
            return existing["_id"]
        document = {
            "user_id": user_id,
            "source": source,
            "name": display_name(source),
            "branches": branches or [],
            "state": State.QUEUED.value,
            "queued_at": time.time(),
        }
        return self._repositories.insert_one(document).inserted_id

    def get(self, repo_id: ObjectId) -> RepositoryRecord | None:
        document = self._repositories.find_one({"_id": repo_id})
        return RepositoryRecord.from_document(document) if document else None

    def for_user(self, user_id: str) -> list[RepositoryRecord]:
        documents = self._repositories.find({"user_id": user_id}).sort("name", 1)
        return [RepositoryRecord.from_document(document) for document in documents]

    def remove(self, repo_id: ObjectId) -> None:
        self._repositories.delete_one({"_id": repo_id})

    def queue(self, query: dict[str, Any]) -> int:
        """Queue matching repositories that are not queued or running already."""
        result = self._repositories.update_many(
            {**query, "state": {"$in": [State.DONE.value, State.ERROR.value]}},
            {"$set": {"state": State.QUEUED.value, "queued_at": time.time()}},
        )
        return result.modified_count

    def claim_next(self) -> RepositoryRecord | None:
        """Atomically take the oldest queued repository, or None."""
        document = self._repositories.find_one_and_update(
            {"state": State.QUEUED.value},
            {"$set": {"state": State.CLONING.value, "progress_done": 0, "progress_total": 0}},
            sort=[("queued_at", 1)],
            return_document=ReturnDocument.AFTER,
        )
        return RepositoryRecord.from_document(document) if document else None

    def requeue_abandoned(self) -> int:
        """Put back repositories a previous process was collecting when it stopped."""
        result = self._repositories.update_many(
            {"state": {"$in": list(ACTIVE_STATES)}},
            {"$set": {"state": State.QUEUED.value, "queued_at": time.time()}},
        )
        return result.modified_count

    def start_run(self, repo_id: ObjectId, run_id: str) -> None:
        """Name the run whose commits stay out of summaries until it finishes."""
        self._repositories.update_one({"_id": repo_id}, {"$set": {"active_run": run_id}})

    def set_state(self, repo_id: ObjectId, state: State) -> None:
        self._repositories.update_one({"_id": repo_id}, {"$set": {"state": state.value}})

    def set_progress(self, repo_id: ObjectId, done: int, total: int) -> None:
        self._repositories.update_one(
            {"_id": repo_id},
            {"$set": {"state": State.COLLECTING.value, "progress_done": done,
                      "progress_total": total}},
        )

    def record_success(
        self, repo_id: ObjectId, tips: dict[str, str], identity_key: str,
        commit_count: int, duration: float,
    ) -> None:
        self._repositories.update_one(
            {"_id": repo_id},
            {"$set": {"state": State.DONE.value, "tips": tips, "identity_key": identity_key,
                      "commit_count": commit_count, "last_success_at": time.time(),
                      "last_duration": duration, "error_code": None, "error_message": None,
                      "active_run": None}},
        )

    def record_error(self, repo_id: ObjectId, code: str, message: str) -> None:
        self._repositories.update_one(
            {"_id": repo_id},
            {"$set": {"state": State.ERROR.value, "error_code": code, "error_message": message,
                      "active_run": None}},
        )
