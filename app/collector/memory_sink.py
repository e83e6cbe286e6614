"""A sink that keeps collected statistics in memory (the command line uses it)."""

from __future__ import annotations

from collections.abc import Sequence

from app.statistics.model import CommitStats


class MemorySink:
    def __init__(self) -> None:
        self.commits: dict[str, CommitStats] = {}

    def add(self, batch: Sequence[CommitStats]) -> None:
        for stats in batch:
            self.commits.setdefault(stats.sha, stats)

    def remove(self, shas: Sequence[str]) -> None:
        for sha in shas:
            self.commits.pop(sha, None)

    def clear(self) -> None:
        self.commits.clear()
