"""The folder of bare mirrors on one instance: a cap on concurrent clones and a
disk budget, kept by evicting the mirrors used least recently."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from app.collector.mirror import Mirror
from app.collector.repository import GitRepository

log = logging.getLogger(__name__)

_LAST_USED = "commitstats-last-used"


def folder_size(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


class MirrorCache:
    def __init__(self, root: Path, budget_bytes: int, max_concurrent_clones: int = 2) -> None:
        self.root = root
        self.budget_bytes = budget_bytes
        self._clones = threading.BoundedSemaphore(max_concurrent_clones)
        self._lock = threading.Lock()
        self._in_use: set[str] = set()
        self._sizes: dict[str, int] = {}
        self._scanned = False

    def path(self, key: str) -> Path:
        return self.root / f"{key}.git"

    def update(self, key: str, url: str, environment: Mapping[str, str] | None = None,
               timeout: float = 1800) -> GitRepository:
        """Clone or fetch mirror `key`, then keep the folder within its budget."""
        with self._lock:
            self._in_use.add(key)
        try:
            with self._clones:
                repository = Mirror(url, self.path(key), environment, timeout).update()
            marker = self.path(key) / _LAST_USED
            marker.touch()
            with self._lock:
                self._sizes[key] = folder_size(self.path(key))
            self.evict(keep=key)
            return repository
        finally:
            with self._lock:
                self._in_use.discard(key)

    def remove(self, key: str) -> None:
        with self._lock:
            self._sizes.pop(key, None)
        shutil.rmtree(self.path(key), ignore_errors=True)

    def evict(self, keep: str | None = None) -> list[str]:
        """Delete least recently used mirrors until the folder fits the budget."""
        with self._lock:
            # Sizes are known after the first scan: skip the walk while within budget.
            if self._scanned and sum(self._sizes.values()) <= self.budget_bytes:
                return []
            self._scanned = True
            mirrors = {p.name.removesuffix(".git"): p for p in self.root.glob("*.git")}
            for key, path in mirrors.items():
                if key not in self._sizes:
                    self._sizes[key] = folder_size(path)
            total = sum(self._sizes.get(key, 0) for key in mirrors)
            evicted = []
            for key in sorted(mirrors, key=lambda k: self._last_used(mirrors[k])):
                if total <= self.budget_bytes:
                    break
                if key == keep or key in self._in_use:
                    continue
                shutil.rmtree(mirrors[key], ignore_errors=True)
                total -= self._sizes.pop(key, 0)
                evicted.append(key)
        if evicted:
            log.info("evicted %d mirrors to stay within %d bytes", len(evicted),
                     self.budget_bytes)
        return evicted

    @staticmethod
    def _last_used(path: Path) -> float:
        try:
            return (path / _LAST_USED).stat().st_mtime
        except FileNotFoundError:
            return time.time()
