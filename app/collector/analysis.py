"""Turn a parsed commit into the numbers we keep: lines per language and exclusions."""

from __future__ import annotations

import re

from app.collector.exclusions import ExclusionReason, ExclusionRules
from app.collector.gitlog import Commit
from app.collector.languages import LanguageDetector
from app.statistics.model import CommitStats, LineCounts, Role

# A single commit adding more counted lines than this is most likely an import of
# an existing code base, not a day's work: it is flagged and left out.
DEFAULT_OUTLIER_LINES = 10_000

_CONVENTIONAL_PREFIX = re.compile(r"^\s*([a-zA-Z]+)(?:\([^)]*\))?!?:")
_CONVENTIONAL_KINDS = frozenset(
    {"feat", "fix", "docs", "style", "refactor", "perf", "test", "build", "ci", "chore",
     "revert"}
)


def commit_kind(subject: str) -> str | None:
    """The Conventional Commits type of a subject line, if it has a known one."""
    match = _CONVENTIONAL_PREFIX.match(subject)
    kind = match.group(1).lower() if match else None
    return kind if kind in _CONVENTIONAL_KINDS else None


class CommitAnalyzer:
    """Classifies every changed file once per distinct path and sums the lines."""

    def __init__(
        self,
        rules: ExclusionRules,
        detector: LanguageDetector | None = None,
        outlier_lines: int = DEFAULT_OUTLIER_LINES,
    ) -> None:
        self._rules = rules
        self._detector = detector or LanguageDetector()
        self._outlier_lines = outlier_lines
        self._classified: dict[str, tuple[str, ExclusionReason | None]] = {}

    def _classify(self, path: str) -> tuple[str, ExclusionReason | None]:
        known = self._classified.get(path)
        if known is None:
            known = (self._detector.detect(path), self._rules.reason(path))
            self._classified[path] = known
        return known

    def analyze(self, commit: Commit, role: Role) -> CommitStats:
        stats = CommitStats(
            sha=commit.sha,
            authored_at=commit.authored_at,
            role=role,
            is_merge=commit.is_merge,
            kind=commit_kind(commit.subject),
            files_changed=len(commit.files),
        )
        for change in commit.files:
            language, reason = self._classify(change.path)
            added, removed = change.added or 0, change.removed or 0
            if reason is None:
                bucket = stats.languages.setdefault(language, LineCounts())
            else:
                bucket = stats.excluded.setdefault(reason.value, LineCounts())
            bucket.add(added, removed)
        if stats.lines_added > self._outlier_lines:
            outlier = stats.excluded.setdefault(ExclusionReason.OUTLIER.value, LineCounts())
            for counts in stats.languages.values():
                outlier.add(counts.added, counts.removed)
            stats.languages = {}
            stats.outlier = True
        return stats
