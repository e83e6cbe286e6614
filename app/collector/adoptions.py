"""Reading manifest contents beside the log: which packages each commit adopted.

Manifest contents come from one `git cat-file --batch` process; a thread asks it
while the main thread goes on parsing `git log`, so the two git processes work
on both cores at once instead of taking turns.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from app.collector.blobs import BlobReader, packages_added
from app.collector.gitlog import Commit
from app.statistics.model import CommitStats

_DONE = None
_BACKLOG = 256  # commits waiting for their manifests, at most


class AdoptionReader:
    """Fills in `stats.packages`, then hands the stats on to `emit`."""

    def __init__(self, git_dir: Path, emit: Callable[[CommitStats], None]) -> None:
        self._git_dir = git_dir
        self._emit = emit
        self._waiting: queue.Queue[tuple[CommitStats, Commit] | None] = queue.Queue(_BACKLOG)
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None

    def submit(self, stats: CommitStats, commit: Commit) -> None:
        if self._failure is not None:
            raise self._failure
        if self._thread is None:
            # Started on first need: most runs never read a manifest.
            self._thread = threading.Thread(target=self._work, name="manifests", daemon=True)
            self._thread.start()
        self._waiting.put((stats, commit))

    def __enter__(self) -> AdoptionReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._thread is not None:
            self._waiting.put(_DONE)
            self._thread.join()
        if self._failure is not None and kind is None:
            raise self._failure

    def _work(self) -> None:
        try:
            with BlobReader(self._git_dir) as reader:
                while (item := self._waiting.get()) is not _DONE:
                    stats, commit = item
                    parent = commit.parents[0] if commit.parents else None
                    paths = [change.path for change in commit.files]
                    stats.packages = sorted(
                        {(ecosystem, name) for ecosystem, _, names
                         in packages_added(reader, commit.sha, parent, paths)
                         for name in names})
                    self._emit(stats)
        except BaseException as failure:  # handed to the main thread in submit/exit
            self._failure = failure
            while self._waiting.get() is not _DONE:  # let the producer finish
                pass
