"""A user's connections to git providers, each holding one encrypted access token.

The token is stored only as TokenCipher's envelope (encrypted under a data key
that KMS or the local key provider wrapped); its last four characters are kept
in clear so the user can tell tokens apart. Written by insert and `$set` only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo.database import Database


@dataclass
class Connection:
    id: ObjectId
    user_id: str
    kind: str
    settings: dict[str, str]
    account: str
    scopes: list[str] | None
    expires_at: str | None
    last4: str
    token: dict[str, Any]
    status: str = "ok"
    error: str | None = None
    repositories: list[dict[str, Any]] = field(default_factory=list)
    listed_at: float | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Connection:
        known = {name for name in cls.__dataclass_fields__ if name != "id"}
        return cls(id=document["_id"], **{k: v for k, v in document.items() if k in known})

    def encryption_context(self) -> dict[str, str]:
        return encryption_context(self.user_id, self.kind, self.id)


def encryption_context(user_id: str, kind: str, connection_id: ObjectId) -> dict[str, str]:
    """Names whose token this is: a ciphertext moved to another user or connection
    no longer decrypts."""
    return {"user": user_id, "provider": kind, "connection": str(connection_id)}


class ConnectionStore:
    def __init__(self, db: Database) -> None:
        self._connections = db.connections

    def add(self, connection_id: ObjectId, user_id: str, kind: str, settings: dict[str, str],
            **details: Any) -> None:
        self._connections.insert_one({"_id": connection_id, "user_id": user_id, "kind": kind,
                                      "settings": settings, "added_at": time.time(), **details})

    def update(self, connection_id: ObjectId, **fields: Any) -> None:
        self._connections.update_one({"_id": connection_id}, {"$set": fields})

    def get(self, user_id: str, connection_id: str | ObjectId) -> Connection | None:
        try:
            key = ObjectId(connection_id)
        except (InvalidId, TypeError):
            return None
        document = self._connections.find_one({"_id": key})
        if document is None or document["user_id"] != user_id:
            return None
        return Connection.from_document(document)

    def for_user(self, user_id: str) -> list[Connection]:
        return [Connection.from_document(d)
                for d in self._connections.find({"user_id": user_id}).sort("added_at", 1)]

    def remove(self, connection_id: ObjectId) -> None:
        self._connections.delete_one({"_id": connection_id})
