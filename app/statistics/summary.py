"""Sum commit statistics into the numbers a CV shows.

Both the command line and the web pages build their numbers here, from the same
CommitStats, so they can never disagree. Weeks are the unit everything else is
summed from, so a date range is just a selection of weeks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.statistics.model import CommitStats, LineCounts, Role


@dataclass(slots=True)
class LanguageTotals:
    commits: int = 0
    lines_added: int = 0
    lines_removed: int = 0

    def add(self, commits: int, added: int, removed: int) -> None:
        self.commits += commits
        self.lines_added += added
        self.lines_removed += removed

    @property
    def lines_changed(self) -> int:
        return self.lines_added + self.lines_removed


@dataclass(slots=True)
class WeekTotals:
    """Everything about one week (Monday, UTC) of the user's commits."""

    commits: int = 0
    merges: int = 0
    coauthored_commits: int = 0
    coauthored_lines_added: int = 0
    coauthored_lines_removed: int = 0
    outlier_commits: int = 0
    first: int | None = None
    last: int | None = None
    languages: dict[str, LanguageTotals] = field(default_factory=dict)
    excluded: dict[str, LineCounts] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    infrastructure: dict[str, int] = field(default_factory=dict)

    @property
    def lines_added(self) -> int:
        return sum(totals.lines_added for totals in self.languages.values())

    @property
    def lines_removed(self) -> int:
        return sum(totals.lines_removed for totals in self.languages.values())


@dataclass(slots=True)
class RepositoryTotals:
    commits: int = 0
    lines_changed: int = 0
    languages: dict[str, int] = field(default_factory=dict)

    @property
    def main_language(self) -> str | None:
        return max(self.languages, key=self.languages.__getitem__) if self.languages else None


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
    kinds: dict[str, int] = field(default_factory=dict)
    infrastructure: dict[str, int] = field(default_factory=dict)
    weeks: dict[str, WeekTotals] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)
    repositories: dict[str, RepositoryTotals] = field(default_factory=dict)
    # (ecosystem, package) -> when the user first added it
    packages: dict[tuple[str, str], int] = field(default_factory=dict)
    # The exclusion audit: path -> (reason, lines added, lines removed), and the
    # outlier commits as (when, lines added).
    excluded_files: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    outliers: list[tuple[int, int]] = field(default_factory=list)

    @property
    def active_weeks(self) -> int:
        return sum(1 for week in self.weeks.values() if week.commits)

    def languages_by_lines(self) -> list[tuple[str, LanguageTotals]]:
        return sorted(self.languages.items(), key=lambda item: (-item[1].lines_changed, item[0]))

    def between(self, first_day: str | None, last_day: str | None) -> Summary:
        """The same numbers over the weeks that start between two dates (inclusive).

        Packages are those first adopted in those weeks. Repository totals are
        kept whole: they describe the repositories, not the range."""
        low, high = first_day or "0000-00-00", last_day or "9999-99-99"
        packages = {package: when for package, when in self.packages.items()
                    if low <= week_start(when) <= high}
        selected = Summary(repositories=self.repositories, packages=packages,
                           excluded_files=self.excluded_files, outliers=self.outliers)
        selected.weeks = {w: t for w, t in self.weeks.items() if low <= w <= high}
        selected.days = {d: n for d, n in self.days.items()
                         if week_start_of_day(d) in selected.weeks}
        selected.recount()
        return selected

    def recount(self) -> None:
        """Derive every total from the weeks."""
        languages: defaultdict[str, LanguageTotals] = defaultdict(LanguageTotals)
        excluded: defaultdict[str, LineCounts] = defaultdict(LineCounts)
        kinds: defaultdict[str, int] = defaultdict(int)
        infrastructure: defaultdict[str, int] = defaultdict(int)
        firsts, lasts = [], []
        for week in self.weeks.values():
            for name, totals in week.languages.items():
                languages[name].add(totals.commits, totals.lines_added, totals.lines_removed)
            for reason, counts in week.excluded.items():
                excluded[reason].add(counts.added, counts.removed)
            for kind, count in week.kinds.items():
                kinds[kind] += count
            for kind, count in week.infrastructure.items():
                infrastructure[kind] += count
            if week.first is not None:
                firsts.append(week.first)
                lasts.append(week.last)
        weeks = self.weeks.values()
        self.commits = sum(w.commits for w in weeks)
        self.merges = sum(w.merges for w in weeks)
        self.coauthored_commits = sum(w.coauthored_commits for w in weeks)
        self.coauthored_lines_added = sum(w.coauthored_lines_added for w in weeks)
        self.coauthored_lines_removed = sum(w.coauthored_lines_removed for w in weeks)
        self.outlier_commits = sum(w.outlier_commits for w in weeks)
        self.lines_added = sum(t.lines_added for t in languages.values())
        self.lines_removed = sum(t.lines_removed for t in languages.values())
        self.first_commit = min(firsts, default=None)
        self.last_commit = max(lasts, default=None)
        self.languages, self.excluded = dict(languages), dict(excluded)
        self.kinds, self.infrastructure = dict(kinds), dict(infrastructure)

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
                name: {"commits": t.commits, "lines_added": t.lines_added,
                       "lines_removed": t.lines_removed}
                for name, t in self.languages_by_lines()
            },
            "excluded": {
                reason: {"lines_added": counts.added, "lines_removed": counts.removed}
                for reason, counts in sorted(self.excluded.items())
            },
            "commit_types": dict(sorted(self.kinds.items())),
            "infrastructure": dict(sorted(self.infrastructure.items())),
            "packages": [
                {"ecosystem": ecosystem, "name": name, "first_added": iso_utc(when)}
                for (ecosystem, name), when in sorted(self.packages.items(),
                                                      key=lambda item: (item[1], item[0]))
            ],
        }


def iso_utc(timestamp: int | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_of(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


def week_start_of_day(day: str) -> str:
    moment = date.fromisoformat(day)
    return (moment - timedelta(days=moment.weekday())).isoformat()


def week_start(timestamp: int) -> str:
    """The Monday (UTC) of the week a timestamp falls in, as YYYY-MM-DD."""
    return week_start_of_day(day_of(timestamp))


def week_range(first: str, last: str) -> list[str]:
    """Every Monday from `first` to `last`, so charts show quiet weeks as zero."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(start + timedelta(weeks=n)).isoformat() for n in range((end - start).days // 7 + 1)]


def _count_commit(summary: Summary, week: WeekTotals, stats: CommitStats) -> None:
    week.commits += 1
    week.outlier_commits += stats.outlier
    day = day_of(stats.authored_at)
    summary.days[day] = summary.days.get(day, 0) + 1
    for name, counts in stats.languages.items():
        week.languages.setdefault(name, LanguageTotals()).add(1, counts.added, counts.removed)
    for reason, counts in stats.excluded.items():
        week.excluded.setdefault(reason, LineCounts()).add(counts.added, counts.removed)
    if stats.kind:
        week.kinds[stats.kind] = week.kinds.get(stats.kind, 0) + 1
    for kind in stats.infrastructure:
        week.infrastructure[kind] = week.infrastructure.get(kind, 0) + 1
    for path, reason, added, removed in stats.excluded_files:
        _, total_added, total_removed = summary.excluded_files.get(path, (reason, 0, 0))
        summary.excluded_files[path] = (reason, total_added + added, total_removed + removed)
    if stats.outlier:
        summary.outliers.append((stats.authored_at, stats.excluded["outlier"].added))
    for package in stats.packages:
        if package not in summary.packages or stats.authored_at < summary.packages[package]:
            summary.packages[package] = stats.authored_at
    if stats.repository is not None:
        repository = summary.repositories.setdefault(stats.repository, RepositoryTotals())
        repository.commits += 1
        for name, counts in stats.languages.items():
            changed = counts.added + counts.removed
            repository.lines_changed += changed
            repository.languages[name] = repository.languages.get(name, 0) + changed


def hiding_languages(commits: Iterable[CommitStats],
                     hidden: Iterable[str]) -> Iterator[CommitStats]:
    """The commits with the lines of hidden languages taken out, co-authored ones
    included; the commits themselves still count."""
    hidden = set(hidden)
    for stats in commits:
        if hidden.intersection(stats.languages):
            stats.languages = {n: c for n, c in stats.languages.items() if n not in hidden}
        yield stats


def summarize(commits: Iterable[CommitStats]) -> Summary:
    """Sum commits; a commit seen in several repositories (a fork) counts once."""
    summary = Summary()
    seen: set[str] = set()
    weeks: defaultdict[str, WeekTotals] = defaultdict(WeekTotals)
    for stats in commits:
        if stats.sha in seen:
            continue
        seen.add(stats.sha)
        week = weeks[week_start(stats.authored_at)]
        if stats.role is Role.COAUTHOR:
            week.coauthored_commits += 1
            week.coauthored_lines_added += stats.lines_added
            week.coauthored_lines_removed += stats.lines_removed
            continue
        week.first = min(week.first or stats.authored_at, stats.authored_at)
        week.last = max(week.last or stats.authored_at, stats.authored_at)
        if stats.is_merge:
            week.merges += 1
        else:
            _count_commit(summary, week, stats)
    summary.weeks = dict(sorted(weeks.items()))
    summary.days = dict(sorted(summary.days.items()))
    summary.recount()
    return summary
