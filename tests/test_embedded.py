"""The embedded nx-27017 server the app starts when no MONGODB_URI is set.

Each start takes about half a second, so every test starts as few servers as it can.
"""

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

from app.storage import embedded
from app.storage.embedded import PID_FILE_NAME, EmbeddedMongo, EmbeddedMongoError

# Bounds a start that goes wrong, so a regression fails instead of hanging the suite.
START_TIMEOUT = 10


@pytest.fixture
def new_server() -> Iterator[Callable[[Path], EmbeddedMongo]]:
    """Makes servers that are stopped when the test ends, whatever happened."""
    servers: list[EmbeddedMongo] = []

    def make(data_dir: Path) -> EmbeddedMongo:
        server = EmbeddedMongo(data_dir)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def ping(uri: str) -> dict:
    with MongoClient(uri, serverSelectionTimeoutMS=2000) as client:
        return client.admin.command("ping")


def test_start_returns_a_uri_that_answers_ping_and_data_survives_a_restart(
    new_server: Callable[[Path], EmbeddedMongo], tmp_path: Path
) -> None:
    first = new_server(tmp_path)
    uri = first.start(START_TIMEOUT)

    assert first.uri == uri
    assert ping(uri)["ok"] == 1
    with MongoClient(uri) as client:
        client.stats.repos.insert_one({"_id": "r", "name": "kept"})
    first.stop()

    second = new_server(tmp_path)
    with MongoClient(second.start(START_TIMEOUT)) as client:
        assert client.stats.repos.find_one({"_id": "r"}) == {"_id": "r", "name": "kept"}


def test_stop_is_idempotent_and_removes_the_pid_file(
    new_server: Callable[[Path], EmbeddedMongo], tmp_path: Path
) -> None:
    server = new_server(tmp_path)
    server.stop()  # never started

    server.start(START_TIMEOUT)
    assert (tmp_path / PID_FILE_NAME).exists()
    server.stop()
    server.stop()

    assert server.uri is None
    assert not (tmp_path / PID_FILE_NAME).exists()


def test_starting_a_running_server_again_is_refused(
    new_server: Callable[[Path], EmbeddedMongo], tmp_path: Path
) -> None:
    server = new_server(tmp_path)
    uri = server.start(START_TIMEOUT)

    with pytest.raises(EmbeddedMongoError, match="already running"):
        server.start(START_TIMEOUT)
    assert ping(uri)["ok"] == 1


def test_a_second_server_on_the_same_folder_fails_fast_and_leaves_the_first_running(
    new_server: Callable[[Path], EmbeddedMongo], tmp_path: Path
) -> None:
    uri = new_server(tmp_path).start(START_TIMEOUT)
    first_pid = (tmp_path / PID_FILE_NAME).read_text().strip()

    with pytest.raises(EmbeddedMongoError) as raised:
        new_server(tmp_path).start(START_TIMEOUT)

    # "exited", not "did not answer": it stopped at the pid file instead of waiting.
    message = str(raised.value)
    assert "exited with code 1 during start-up" in message
    assert f"NX-27017 is already running (PID: {first_pid})" in message
    assert ping(uri)["ok"] == 1
    assert (tmp_path / PID_FILE_NAME).read_text().strip() == first_pid


def test_a_server_that_cannot_start_reports_the_end_of_its_log(
    new_server: Callable[[Path], EmbeddedMongo],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = new_server(tmp_path)
    with socket.socket() as taken:
        taken.bind((embedded.HOST, 0))
        taken.listen()
        monkeypatch.setattr(embedded, "_free_port", lambda: taken.getsockname()[1])

        with pytest.raises(EmbeddedMongoError) as raised:
            server.start(START_TIMEOUT)

    message = str(raised.value)
    assert "exited with code 1 during start-up" in message
    assert f"Last lines of {server.log_file}:" in message
    assert message.rstrip().endswith("address already in use")
    assert len(message.splitlines()) <= 2 + embedded.LOG_TAIL_LINES
    assert server.uri is None


def test_a_pid_file_left_by_a_killed_server_does_not_block_the_next_start(
    new_server: Callable[[Path], EmbeddedMongo], tmp_path: Path
) -> None:
    killed = new_server(tmp_path)
    killed.start(START_TIMEOUT)
    # Simulates a crash: no SIGTERM handler gets to remove the pid file.
    assert killed._process is not None
    killed._process.kill()
    killed._process.wait()
    assert (tmp_path / PID_FILE_NAME).exists()

    assert ping(new_server(tmp_path).start(START_TIMEOUT))["ok"] == 1


def test_a_pid_file_naming_any_live_process_blocks_the_start(
    new_server: Callable[[Path], EmbeddedMongo], tmp_path: Path
) -> None:
    # nx-27017 only checks that the pid is alive, so a stale pid file whose
    # number was reused (say after a reboot) keeps the server from starting.
    (tmp_path / PID_FILE_NAME).write_text(str(os.getpid()))

    with pytest.raises(EmbeddedMongoError, match=f"already running \\(PID: {os.getpid()}\\)"):
        new_server(tmp_path).start(START_TIMEOUT)
