"""A real git smart-HTTP server for tests: `git http-backend` behind a handler
that demands one token, the way GitHub and GitLab accept a token over Basic auth."""

from __future__ import annotations

import base64
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


def _handler(root: Path, expected_authorization: str) -> type[BaseHTTPRequestHandler]:
    class GitHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests read their own output."""

        def _serve(self) -> None:
            if self.headers.get("Authorization") != expected_authorization:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="git"')
                self.end_headers()
                return
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            environment = {
                "GIT_PROJECT_ROOT": str(root), "GIT_HTTP_EXPORT_ALL": "1",
                "PATH_INFO": url.path, "QUERY_STRING": url.query,
                "REQUEST_METHOD": self.command, "CONTENT_TYPE": self.headers.get(
                    "Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
                "REMOTE_USER": "token-user", "PATH": "/usr/bin:/bin",
            }
            result = subprocess.run(["git", "http-backend"], input=body, env=environment,
                                    capture_output=True, check=False)
            head, _, payload = result.stdout.partition(b"\r\n\r\n")
            status = 200
            headers = []
            for line in head.decode().split("\r\n"):
                name, _, value = line.partition(": ")
                if name.lower() == "status":
                    status = int(value.split()[0])
                elif name:
                    headers.append((name, value))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve
        do_POST = _serve

    return GitHandler


@contextmanager
def git_http_server(root: Path, token: str, user: str = "x-access-token") -> Iterator[str]:
    """Serve the bare repositories under `root`; yields the base URL."""
    credential = base64.b64encode(f"{user}:{token}".encode()).decode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root, f"Basic {credential}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
