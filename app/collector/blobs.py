"""Read file contents at given commits through one `git cat-file --batch` process.

Starting git per file would cost a process per manifest version; one batch
process answers any number of `<commit>:<path>` questions over a pipe.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

import git

from app.collector.errors import RepositoryError, error_from_git
from app.collector.manifests import added_packages, is_manifest
from app.collector.repository import SAFE_CONFIG

# A manifest this large is generated or vendored, not written by hand.
MAX_BLOB_SIZE = 1 << 20
_CHUNK = 1 << 16


class BlobReader:
    """Reads blobs by `<commit>:<path>` or sha from one long-running git process.

    Not thread-safe: questions and answers share one pipe, in order.
    """

    def __init__(self, git_dir: Path, max_size: int = MAX_BLOB_SIZE) -> None:
        self._max_size = max_size
        # A file rather than a pipe: nobody reads stderr while git runs, and a
        # full pipe would block it. It lives as long as the reader; close() ends it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._command = ["git", "--git-dir", str(git_dir), *SAFE_CONFIG, "cat-file", "--batch"]
        self._process = subprocess.Popen(
            self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
        )

    def read(self, spec: str) -> bytes | None:
        """The content of the blob `spec` names, or None.

        None when the object is missing, is not a blob (a directory, a
        submodule) or is larger than max_size. `--batch` reads one spec per
        line, so a path containing a line break cannot be asked for: None too.
        Raises RepositoryError when git fails (a corrupt repository).
        """
        if self._process.stdin is None or self._process.stdin.closed:
            raise ValueError("BlobReader is closed")
        # git strips a trailing carriage return along with the newline.
        if "\n" in spec or spec.endswith("\r"):
            return None
        try:
            self._process.stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            raise self._failure() from None
        header = self._stdout.readline()
        if not header.endswith(b"\n"):
            raise self._failure()
        # "<sha> <type> <size>", or "<spec> missing" / "<spec> ambiguous".
        fields = header.rsplit(b" ", 2)
        if len(fields) != 3 or not fields[2].strip().isdigit():
            return None
        kind, size = fields[1], int(fields[2])
        if kind != b"blob" or size > self._max_size:
            self._skip(size + 1)
            return None
        content = self._stdout.read(size + 1)
        if len(content) != size + 1:
            raise self._failure()
        return content[:-1]

    @property
    def _stdout(self) -> IO[bytes]:
        assert self._process.stdout is not None
        return self._process.stdout

    def _skip(self, count: int) -> None:
        while count > 0:
            chunk = self._stdout.read(min(count, _CHUNK))
            if not chunk:
                raise self._failure()
            count -= len(chunk)

    def _failure(self) -> RepositoryError:
        status = self._process.wait()
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", errors="replace").strip()
        return error_from_git(git.GitCommandError(self._command, status, stderr))

    def close(self) -> None:
        """End the git process; safe to call more than once."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            # Closing flushes, which fails if git has already died.
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _text(content: bytes | None) -> str | None:
    if content is None:
        return None
    # Visual Studio still writes some project files as UTF-16 with a byte-order mark.
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    return content.decode("utf-8-sig", errors="replace")


def packages_added(reader: BlobReader, sha: str, parent: str | None,
                   paths: Iterable[str]) -> Iterator[tuple[str, str, set[str]]]:
    """For one commit, yield (ecosystem, path, names) for each changed manifest that
    gained packages. A manifest moved to a new path counts as wholly added there,
    since only the new path is compared with the parent."""
    for path in paths:
        ecosystem = is_manifest(path)
        if ecosystem is None:
            continue
        after = _text(reader.read(f"{sha}:{path}"))
        if after is None:
            continue
        before = _text(reader.read(f"{parent}:{path}")) if parent else None
        added = added_packages(ecosystem, path, before, after)
        if added:
            yield ecosystem, path, added


class FirstLines:
    """First lines of files (for shebangs), from a BlobReader started on first use."""

    def __init__(self, git_dir: Path) -> None:
        self._git_dir = git_dir
        self._reader: BlobReader | None = None

    def __call__(self, sha: str, path: str) -> bytes | None:
        self._reader = self._reader or BlobReader(self._git_dir)
        content = self._reader.read(f"{sha}:{path}")
        return content.split(b"\n", 1)[0] if content else None

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()

    def __enter__(self) -> FirstLines:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
