"""Turn a parsed commit into the numbers we keep: lines per language and exclusions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.collector.exclusions import ExclusionReason, ExclusionRules
from app.collector.gitlog import Commit
from app.collector.infrastructure import infrastructure_kind
from app.collector.languages import OTHER, LanguageDetector, language_from_shebang
from app.collector.manifests import is_manifest
from app.statistics.model import MAX_EXCLUDED_FILES, CommitStats, LineCounts, Role

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


# Reads the first line of a file at a commit, or None.
FirstLine = Callable[[str, str], bytes | None]


@dataclass(frozen=True, slots=True)
class PathClass:
    """What a path is, decided once per distinct path."""

    language: str
    excluded_because: ExclusionReason | None
    infrastructure: str | None
    manifest: bool


class CommitAnalyzer:
    """Classifies every changed file once per distinct path and sums the lines."""

    def __init__(
        self,
        rules: ExclusionRules,
        detector: LanguageDetector | None = None,
        outlier_lines: int = DEFAULT_OUTLIER_LINES,
        first_line: FirstLine | None = None,
    ) -> None:
        self._rules = rules
        self._detector = detector or LanguageDetector()
        self._outlier_lines = outlier_lines
        self._first_line = first_line
        self._classified: dict[str, PathClass] = {}

    def _language(self, path: str, sha: str | None) -> str:
        # A linguist-language setting names a path's language outright.
        named = self._rules.override(path).language
        if named:
            return named
        language = self._detector.detect(path)
        # A script without an extension says what it is on its first line; read
        # once per distinct path, so it stays cheap.
        if language == OTHER and sha and self._first_line and "." not in path.rsplit("/", 1)[-1]:
            line = self._first_line(sha, path)
            language = (line and language_from_shebang(line)) or OTHER
        return language

    def _classify(self, path: str, sha: str | None = None) -> PathClass:
        known = self._classified.get(path)
        if known is None:
            reason = self._rules.reason(path)
            known = PathClass(self._language(path, sha), reason, infrastructure_kind(path),
                              reason is None and is_manifest(path) is not None)
            self._classified[path] = known
        return known

    def touches_manifest(self, commit: Commit) -> bool:
        return any(self._classify(change.path).manifest for change in commit.files)

    def analyze(self, commit: Commit, role: Role) -> CommitStats:
        stats = CommitStats(
            sha=commit.sha,
            authored_at=commit.authored_at,
            role=role,
            is_merge=commit.is_merge,
            kind=commit_kind(commit.subject),
            files_changed=len(commit.files),
        )
        infrastructure: set[str] = set()
        for change in commit.files:
            path_class = self._classify(change.path, None if change.is_binary else commit.sha)
            added, removed = change.added or 0, change.removed or 0
            if path_class.excluded_because is None:
                bucket = stats.languages.setdefault(path_class.language, LineCounts())
            else:
                reason = path_class.excluded_because.value
                bucket = stats.excluded.setdefault(reason, LineCounts())
                if len(stats.excluded_files) < MAX_EXCLUDED_FILES:
                    stats.excluded_files.append((change.path, reason, added, removed))
            bucket.add(added, removed)
            if path_class.infrastructure:
                infrastructure.add(path_class.infrastructure)
        stats.infrastructure = sorted(infrastructure)
        if stats.lines_added > self._outlier_lines:
            outlier = stats.excluded.setdefault(ExclusionReason.OUTLIER.value, LineCounts())
            for counts in stats.languages.values():
                outlier.add(counts.added, counts.removed)
            stats.languages = {}
            stats.outlier = True
        return stats
