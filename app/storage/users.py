"""User records: a public name, display details and the author emails they claim."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo.database import Database


@dataclass
class User:
    id: str
    username: str
    display_name: str
    avatar_url: str | None = None
    emails: list[str] = field(default_factory=list)
    public: bool = True
    hidden_languages: list[str] = field(default_factory=list)
    # [pattern, include?] pairs, applied in order by the collector
    exclusion_rules: list[list] = field(default_factory=list)

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> User:
        return cls(
            id=document["_id"],
            username=document["username"],
            display_name=document.get("display_name") or document["username"],
            avatar_url=document.get("avatar_url"),
            emails=document.get("emails", []),
            # bool(): the embedded server returns booleans written by `$set` as 0 and 1.
            public=bool(document.get("public", True)),
            hidden_languages=document.get("hidden_languages", []),
            exclusion_rules=document.get("exclusion_rules", []),
        )


class UserStore:
    def __init__(self, db: Database) -> None:
        self._users = db.users

    def ensure(self, user_id: str, username: str, display_name: str,
               avatar_url: str | None = None) -> User:
        self._users.update_one(
            {"_id": user_id},
            {"$set": {"username": username, "username_key": username.lower(),
                      "display_name": display_name, "avatar_url": avatar_url},
             "$setOnInsert": {"emails": []}},
            upsert=True,
        )
        return self.get(user_id)

    def get(self, user_id: str) -> User | None:
        document = self._users.find_one({"_id": user_id})
        return User.from_document(document) if document else None

    def by_username(self, username: str) -> User | None:
        """Usernames match in any case, as GitHub logins do."""
        document = self._users.find_one({"username_key": username.lower()})
        return User.from_document(document) if document else None

    def set_emails(self, user_id: str, emails: list[str]) -> None:
        self._users.update_one({"_id": user_id}, {"$set": {"emails": emails}})

    def set_privacy(self, user_id: str, *, public: bool, hidden_languages: list[str]) -> None:
        self._users.update_one({"_id": user_id}, {"$set": {
            "public": public, "hidden_languages": hidden_languages}})

    def set_exclusion_rules(self, user_id: str, rules: list[list]) -> None:
        self._users.update_one({"_id": user_id}, {"$set": {"exclusion_rules": rules}})
