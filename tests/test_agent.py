"""The background agent inside the app: collects new repositories at once and due
ones on schedule, with nobody calling it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.storage.repositories import RepositoryStore, State
from tests.conftest import LocalUser
from tests.gitrepos import RepoBuilder

ME = "me@example.com"


@pytest.fixture
def live_app(mongo_uri: str, tmp_path: Path) -> Iterator[Flask]:
    database = f"test_agent_{uuid.uuid4().hex[:8]}"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "t", "MONGODB_URI": mongo_uri,
        "MONGODB_DATABASE": database, "DATA_DIR": str(tmp_path / "data"),
        "LOCAL_SIGNIN": True, "SESSION_COOKIE_SECURE": False,
        "COLLECT_INTERVAL_SECONDS": 1.0, "SCHEDULE_PASS_SECONDS": 0.5,
        "LEADER_LEASE_SECONDS": 1.5,
    })
    yield app
    app.extensions["collection_agent"].stop()
    app.extensions["db"].client.drop_database(database)


def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_a_new_repository_is_collected_at_once_and_again_when_due(
    live_app: Flask, tmp_path: Path
) -> None:
    repo = RepoBuilder(tmp_path / "project")
    repo.lines("a.py", 5)
    repo.commit(email=ME)
    user = LocalUser(live_app, live_app.test_client())
    user.sign_in()
    user.add_email(ME)
    user.add_repository(str(repo.path))
    store = RepositoryStore(live_app.extensions["db"])

    def commit_count() -> int:
        [record] = store.for_user("local")
        return record.commit_count if record.state is State.DONE else -1

    eventually(lambda: commit_count() == 1, timeout=10)
    repo.lines("b.py", 5)
    repo.commit(email=ME)
    eventually(lambda: commit_count() == 2)
    lease = live_app.extensions["db"].locks.find_one({"_id": "scheduler"})
    assert lease["owner"] == live_app.extensions["collection_agent"].id
