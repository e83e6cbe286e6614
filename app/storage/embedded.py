"""An embedded MongoDB-compatible server for running without a real MongoDB.

When no MONGODB_URI is configured, the app starts nx-27017 (a MongoDB
wire-protocol server backed by SQLite) as a child process and talks to it
through pymongo exactly as it would talk to MongoDB.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from pymongo import MongoClient
from pymongo.errors import PyMongoError

HOST = "127.0.0.1"
# The server writes every log line both to stderr and to its --log-file.
# We keep only its stderr, as our log file: it also holds start-up crashes.
LOG_FILE_NAME = "nx-27017.log"
PID_FILE_NAME = "nx-27017.pid"
STOP_GRACE_SECONDS = 5.0
LOG_TAIL_LINES = 20

# Run the server's entry point in our own interpreter, so it is found from
# any working directory and in any virtualenv that has our dependencies.
# (`python -m nx_27017` does not work: the package has no __main__.)
SERVER_COMMAND = [
    sys.executable,
    "-c",
    "import sys; from nx_27017 import main; sys.exit(main())",
]

PR_SET_PDEATHSIG = 1


class EmbeddedMongoError(RuntimeError):
    """The embedded server failed to start."""


class EmbeddedMongo:
    """An nx-27017 server running as our child process on a free local port.

    All its files (one SQLite file per database, log, pid file) live in
    ``data_dir``, so two instances with different folders never collide.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.uri: str | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log_file(self) -> Path:
        """The server's log: everything it writes, including crashes."""
        return self.data_dir / LOG_FILE_NAME

    def start(self, timeout: float = 30) -> str:
        """Start the server and wait until it answers a ping.

        Returns the mongodb:// URI to connect to. Raises EmbeddedMongoError,
        with the end of the server's log, if the server exits or does not
        answer within ``timeout`` seconds. The server is stopped when the
        calling thread ends (see _die_with_parent), so call this from the
        main thread or another long-lived one.
        """
        if self._process is not None:
            raise EmbeddedMongoError("the embedded server is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        # The child keeps its own handle on the log file; ours can close.
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(
                [
                    *SERVER_COMMAND,
                    "--data-dir",
                    str(self.data_dir),
                    "--host",
                    HOST,
                    "-p",
                    str(port),
                    "--log-file",
                    os.devnull,
                    "--pid-file",
                    str(self.data_dir / PID_FILE_NAME),
                ],
                # Relative defaults of the server land in our folder, not the app's.
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        uri = f"mongodb://{HOST}:{port}/"
        try:
            self._wait_until_ready(uri, timeout)
        except EmbeddedMongoError:
            self.stop()
            raise
        self.uri = uri
        return uri

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it lingers. Idempotent."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.uri = None

    def __enter__(self) -> EmbeddedMongo:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_until_ready(self, uri: str, timeout: float) -> None:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=250)
        try:
            while True:
                if self._process.poll() is not None:
                    raise EmbeddedMongoError(
                        f"nx-27017 exited with code {self._process.returncode}"
                        f" during start-up.\n{self._log_tail()}"
                    )
                try:
                    client.admin.command("ping")
                    return
                except PyMongoError:
                    pass
                if time.monotonic() > deadline:
                    raise EmbeddedMongoError(
                        f"nx-27017 did not answer on {uri} within {timeout}s.\n{self._log_tail()}"
                    )
                time.sleep(0.05)
        finally:
            client.close()

    def _log_tail(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return f"(no server log in {self.log_file})"
        return f"Last lines of {self.log_file}:\n" + "\n".join(lines[-LOG_TAIL_LINES:])


def _free_port() -> int:
    # The port is free now; another process could take it before the server
    # binds, in which case the server exits and start() reports it.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: ask Linux to send SIGTERM when
    # the thread that started us dies, so a crashed app leaves no orphan.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
