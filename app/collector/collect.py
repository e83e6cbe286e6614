"""Collect one repository's statistics for one person: repository -> commits -> stats.

A collection is incremental: it reads only the commits between the branch tips
seen last time and the current ones, and reports commits that a force-push made
unreachable so they can be dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from app.collector.adoptions import AdoptionReader
from app.collector.analysis import DEFAULT_OUTLIER_LINES, CommitAnalyzer
from app.collector.blobs import FirstLines
from app.collector.exclusions import ExclusionRules, GitAttributes, UserRule
from app.collector.repository import GitRepository
from app.statistics.model import CommitStats, Role

BATCH_SIZE = 500

Progress = Callable[[int, int], None]


class CommitSink(Protocol):
    """Where collected commit statistics go (the database, or memory for the CLI)."""

    def add(self, batch: Sequence[CommitStats]) -> None: ...

    def remove(self, shas: Sequence[str]) -> None: ...

    def clear(self) -> None: ...


@dataclass(frozen=True)
class CollectionRequest:
    emails: frozenset[str]
    branches: tuple[str, ...] = ()
    previous_tips: dict[str, str] | None = None
    outlier_lines: int = DEFAULT_OUTLIER_LINES
    user_rules: tuple[UserRule, ...] = ()


@dataclass
class CollectionOutcome:
    tips: dict[str, str]
    incremental: bool
    commits_seen: int = 0
    commits_dropped: int = 0
    branches_missing: list[str] = field(default_factory=list)


def _filters(option: str, emails: Iterable[str], wrap: str) -> list[str]:
    # Fixed strings, case-insensitive: emails are not regular expressions.
    return ["--fixed-strings", "--regexp-ignore-case", *(f"{option}={wrap % e}" for e in emails)]


class _Batcher:
    """Hands stats to the sink in batches and reports progress; called from the
    log loop and from the manifest reader's thread."""

    def __init__(self, sink: CommitSink, outcome: CollectionOutcome,
                 progress: Progress | None, total: Callable[[], int]) -> None:
        self._sink = sink
        self._outcome = outcome
        self._progress = progress
        self._total = total
        self._batch: list[CommitStats] = []
        self._lock = threading.Lock()

    def __call__(self, stats: CommitStats) -> None:
        with self._lock:
            self._batch.append(stats)
            self._outcome.commits_seen += 1
            if len(self._batch) >= BATCH_SIZE:
                self.flush()
            if self._progress:
                seen, total = self._outcome.commits_seen, self._total()
                self._progress(seen, max(total, seen) if total else 0)

    def flush(self) -> None:
        if self._batch:
            self._sink.add(self._batch)
            self._batch = []


def _authored(repository: GitRepository, revisions: list[str], filters: list[str],
              emails: set[str], analyzer: CommitAnalyzer, emit: _Batcher) -> None:
    with AdoptionReader(repository.git_dir, emit) as adoptions:
        for commit in repository.commits(revisions, filters):
            # git's fixed-string match is a substring match; confirm the exact email.
            if commit.author_email not in emails:
                continue
            stats = analyzer.analyze(commit, Role.AUTHOR)
            if not commit.is_merge and analyzer.touches_manifest(commit):
                adoptions.submit(stats, commit)
            else:
                emit(stats)


def _coauthored(repository: GitRepository, revisions: list[str], filters: list[str],
                emails: set[str], analyzer: CommitAnalyzer, emit: _Batcher) -> None:
    for commit in repository.commits(revisions, filters):
        # Commits the user authored were counted as theirs, whatever the trailers say.
        if commit.author_email not in emails and emails.intersection(commit.coauthor_emails):
            emit(analyzer.analyze(commit, Role.COAUTHOR))


def collect(
    repository: GitRepository,
    request: CollectionRequest,
    sink: CommitSink,
    progress: Progress | None = None,
) -> CollectionOutcome:
    """Collect the commits credited to `request.emails` into `sink`."""
    default = repository.default_branch()
    wanted = list(dict.fromkeys([*([default] if default else []), *request.branches]))
    tips = repository.branch_tips(wanted)
    outcome = CollectionOutcome(tips=tips, incremental=False)
    # Only branches the user named: an empty repository's default branch has no tip either.
    outcome.branches_missing = [branch for branch in request.branches if branch not in tips]

    old_tips = sorted(set((request.previous_tips or {}).values()))
    new_tips = sorted(set(tips.values()))
    incremental = bool(old_tips) and all(repository.has_commit(sha) for sha in old_tips)
    outcome.incremental = incremental
    if incremental:
        if old_tips == new_tips:
            return outcome
        dropped = repository.unreachable_since(old_tips, new_tips)
        sink.remove(dropped)
        outcome.commits_dropped = len(dropped)
        revisions = [*new_tips, *(f"^{sha}" for sha in old_tips)]
    else:
        sink.clear()
        revisions = new_tips
    if not new_tips:
        return outcome

    emails = repository.mailmapped_emails(sorted(request.emails))
    authored = _filters("--author", emails, "<%s>")
    mentioned = _filters("--grep", emails, "%s")
    attributes = GitAttributes.parse(repository.read_files(new_tips[0], ".gitattributes"))
    with FirstLines(repository.git_dir) as first_lines:
        analyzer = CommitAnalyzer(ExclusionRules(attributes, request.user_rules),
                                  outlier_lines=request.outlier_lines, first_line=first_lines)
        # Counting walks the history too: do it beside the log on the other core,
        # and report progress without a total until it is known.
        with ThreadPoolExecutor(max_workers=1) as pool:
            counting = pool.submit(repository.count_commits, revisions, authored)
            emit = _Batcher(sink, outcome, progress,
                            lambda: counting.result() if counting.done() else 0)
            _authored(repository, revisions, authored, emails, analyzer, emit)
            _coauthored(repository, revisions, mentioned, emails, analyzer, emit)
    emit.flush()
    return outcome
