"""Public profiles and what is rendered from them, kept in memory per version.

A profile's version is its summary's `computed_at` plus the user fields pages
show: every change that can alter a public page (a collection, a privacy
setting, a hidden repository or language) writes a new summary, so a cached
entry can never outlive what it shows. Each request still asks the database
two small questions (the user, the summary's version), which anonymous
requests reuse for a few seconds, so a popular card costs no database work.
A visitor of another process may therefore see a change up to VERSION_SECONDS
late; the owner, and visitors of the process that saved it, see it at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app
from pymongo.database import Database

from app.storage.summaries import SummaryStore
from app.storage.users import User, UserStore
from app.web.public_profile import PublicProfile, build_public_profile, visible_to

T = TypeVar("T")
ENTRIES = 512
VERSION_SECONDS = 5.0


class ProfileCache:
    def __init__(self, entries: int = ENTRIES, version_seconds: float = VERSION_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._entries = entries
        self._version_seconds = version_seconds
        self._clock = clock
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._versions: dict[str, tuple[float, User | None, Hashable]] = {}
        self._lock = threading.Lock()

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for `key`, computing it on a miss (least recently used go)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._entries:
                self._values.popitem(last=False)
        return value

    def profile(self, db: Database, username: str,
                viewer: User | None = None) -> tuple[PublicProfile, Hashable] | None:
        """The public profile and its version key, or None when not visible."""
        user, version = self._current(db, username, fresh=viewer is not None)
        if user is None or not visible_to(user, viewer):
            return None
        profile = self.remember(("profile", version),
                                lambda: build_public_profile(db, user))
        return profile, version

    def forget_versions(self, user_id: str) -> None:
        """A summary of this user was just saved by this process: look again."""
        with self._lock:
            for key, (_, user, _version) in list(self._versions.items()):
                if user is not None and user.id == user_id:
                    del self._versions[key]

    def _current(self, db: Database, username: str, fresh: bool) -> tuple[User | None, Hashable]:
        key, now = username.lower(), self._clock()
        known = self._versions.get(key)
        if known and not fresh and now - known[0] < self._version_seconds:
            return known[1], known[2]
        user = UserStore(db).by_username(username)
        version: Hashable = None
        if user is not None:
            version = (user.id, SummaryStore(db).version(user.id), user.display_name,
                       user.avatar_url, user.public)
        with self._lock:
            if len(self._versions) >= self._entries:
                self._versions.clear()
            self._versions[key] = (now, user, version)
        return user, version


def init_app(app: Flask) -> None:
    app.extensions["profile_cache"] = ProfileCache()


def profile_cache() -> ProfileCache:
    return current_app.extensions["profile_cache"]
