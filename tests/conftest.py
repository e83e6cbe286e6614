"""Fixtures shared by the whole test suite."""

import os
from collections.abc import Iterator

import pytest

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
