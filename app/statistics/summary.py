"""Sum commit statistics into the numbers a CV shows.

Both the command line and the web pages build their numbers here, from the same
CommitStats, so they can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.statistics.model import CommitStats, LineCounts, Role


@dataclass(slots=True)
class LanguageTotals:
    commits: int = 0
    lines_added: int = 0
    lines_removed: int = 0


@dataclass(slots=True)
class WeekTotals:
    commits: int = 0
    lines_added: int = 0
    lines_removed: int = 0
    languages: dict[str, int] = field(default_factory=dict)


@dataclass
class Summary:
    """Totals over the user's own non-merge commits, with merges and co-authored
    commits counted apart so they never inflate the author's own lines."""

    commits: int = 0
    merges: int = 0
    coauthored_commits: int = 0
    coauthored_lines_added: int = 0
    coauthored_lines_removed: int = 0
    lines_added: int = 0
    lines_removed: int = 0
    outlier_commits: int = 0
    first_commit: int | None = None
    last_commit: int | None = None
    languages: dict[str, LanguageTotals] = field(default_factory=dict)
    excluded: dict[str, LineCounts] = field(default_factory=dict)
    weeks: dict[str, WeekTotals] = field(default_factory=dict)

    @property
    def active_weeks(self) -> int:
        return sum(1 for week in self.weeks.values() if week.commits)

    def languages_by_lines(self) -> list[tuple[str, LanguageTotals]]:
        return sorted(
            self.languages.items(),
            key=lambda item: (-(item[1].lines_added + item[1].lines_removed), item[0]),
        )

    def to_json(self) -> dict[str, Any]:
        """The public shape of the numbers (the CLI's --json and the API)."""
        return {
            "commits": self.commits,
            "merges": self.merges,
            "coauthored_commits": self.coauthored_commits,
            "coauthored_lines_added": self.coauthored_lines_added,
            "coauthored_lines_removed": self.coauthored_lines_removed,
            "lines_added": self.lines_added,
            "lines_removed": self.lines_removed,
            "outlier_commits": self.outlier_commits,
            "active_weeks": self.active_weeks,
            "first_commit": iso_utc(self.first_commit),
            "last_commit": iso_utc(self.last_commit),
            "languages": {
                name: {
                    "commits": totals.commits,
                    "lines_added": totals.lines_added,
                    "lines_removed": totals.lines_removed,
                }
                for name, totals in self.languages_by_lines()
            },
            "excluded": {
                reason: {"lines_added": counts.added, "lines_removed": counts.removed}
                for reason, counts in sorted(self.excluded.items())
            },
        }


def iso_utc(timestamp: int | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def week_start(timestamp: int) -> str:
    """The Monday (UTC) of the week a timestamp falls in, as YYYY-MM-DD."""
    day = datetime.fromtimestamp(timestamp, UTC).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def week_range(first: str, last: str) -> list[str]:
    """Every Monday from `first` to `last`, so charts show quiet weeks as zero."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(start + timedelta(weeks=n)).isoformat() for n in range((end - start).days // 7 + 1)]


def summarize(commits: Iterable[CommitStats]) -> Summary:
    """Sum commits; a commit seen in several repositories (a fork) counts once."""
    summary = Summary()
    seen: set[str] = set()
    languages: defaultdict[str, LanguageTotals] = defaultdict(LanguageTotals)
    excluded: defaultdict[str, LineCounts] = defaultdict(LineCounts)
    weeks: defaultdict[str, WeekTotals] = defaultdict(WeekTotals)
    for stats in commits:
        if stats.sha in seen:
            continue
        seen.add(stats.sha)
        if stats.role is Role.COAUTHOR:
            summary.coauthored_commits += 1
            summary.coauthored_lines_added += stats.lines_added
            summary.coauthored_lines_removed += stats.lines_removed
            continue
        if summary.first_commit is None or stats.authored_at < summary.first_commit:
            summary.first_commit = stats.authored_at
        if summary.last_commit is None or stats.authored_at > summary.last_commit:
            summary.last_commit = stats.authored_at
        if stats.is_merge:
            summary.merges += 1
            continue
        summary.commits += 1
        summary.outlier_commits += stats.outlier
        week = weeks[week_start(stats.authored_at)]
        week.commits += 1
        for name, counts in stats.languages.items():
            totals = languages[name]
            totals.commits += 1
            totals.lines_added += counts.added
            totals.lines_removed += counts.removed
            week.lines_added += counts.added
            week.lines_removed += counts.removed
            week.languages[name] = week.languages.get(name, 0) + counts.added
        for reason, counts in stats.excluded.items():
            excluded[reason].add(counts.added, counts.removed)
    summary.lines_added = sum(totals.lines_added for totals in languages.values())
    summary.lines_removed = sum(totals.lines_removed for totals in languages.values())
    summary.languages = dict(languages)
    summary.excluded = dict(excluded)
    summary.weeks = dict(sorted(weeks.items()))
    return summary
