"""Under gunicorn with several worker processes, one machine runs one agent."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from pymongo import MongoClient


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_three_gunicorn_workers_start_exactly_one_collection_agent(
    mongo_uri: str, tmp_path: Path
) -> None:
    database = f"test_gunicorn_{uuid.uuid4().hex[:8]}"
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = {**os.environ, "MONGODB_URI": mongo_uri, "MONGODB_DATABASE": database,
                   "COMMITSTATS_DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}",
         "app:create_app()"],
        cwd=Path(__file__).resolve().parent.parent, env=environment,
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while log.read_text().count("Booting worker") < 3 or "agent" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        time.sleep(2)  # let every worker finish starting
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
        MongoClient(mongo_uri).drop_database(database)
    assert log.read_text().count("collection agent") == 1, log.read_text()
