"""Fixtures shared by the whole test suite."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from app.storage.embedded import EmbeddedMongo


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URI of the MongoDB the tests use, one server for the whole session.

    MONGODB_URI wins when set, so the same tests run against a real MongoDB;
    otherwise an embedded nx-27017 server is started in a temporary folder.
    """
    configured_uri = os.environ.get("MONGODB_URI")
    if configured_uri:
        yield configured_uri
        return
    with EmbeddedMongo(tmp_path_factory.mktemp("mongo")) as server:
        assert server.uri is not None
        yield server.uri


@pytest.fixture
def app(mongo_uri: str, tmp_path: Path) -> Iterator[Flask]:
    """A local-mode app on its own fresh database; collection runs only when a
    test calls `run_collection`, so tests never race a background thread."""
    database = f"test_{uuid.uuid4().hex[:12]}"
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "MONGODB_URI": mongo_uri,
        "MONGODB_DATABASE": database,
        "DATA_DIR": str(tmp_path / "data"),
        "LOCAL_SIGNIN": True,
        "SESSION_COOKIE_SECURE": False,
        "COLLECTOR_ENABLED": False,
    })
    yield app
    app.extensions["db"].client.drop_database(database)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class LocalUser:
    """Signs the test client in as the local user and drives the pages like a person."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self._app = app
        self._client = client

    def csrf_token(self) -> str:
        with self._client.session_transaction() as session:
            return session.setdefault("csrf_token", "test-csrf-token")

    def post(self, url: str, **data: str) -> TestResponse:
        return self._client.post(url, data={"csrf_token": self.csrf_token(), **data})

    def get(self, url: str) -> TestResponse:
        return self._client.get(url)

    def sign_in(self) -> None:
        self.post("/sign-in/local")

    def add_email(self, email: str) -> None:
        self.post("/settings/emails", email=email)

    def add_repository(self, source: str, branches: str = "") -> TestResponse:
        return self.post("/repositories/", source=source, branches=branches)

    def run_collection(self) -> int:
        return self._app.extensions["collection_agent"].workers[0].run_pending()


@pytest.fixture
def local_user(app: Flask, client: FlaskClient) -> LocalUser:
    user = LocalUser(app, client)
    user.sign_in()
    return user
