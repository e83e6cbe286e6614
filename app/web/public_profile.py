"""What public pages may show of a user: the one place privacy is decided.

The CV, the widget, the card and the API all read a PublicProfile, so a private
repository's name, a hidden repository or a hidden language cannot reach one of
them by a different path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pymongo.database import Database

from app.statistics.summary import Summary
from app.storage.repositories import RepositoryStore
from app.storage.summaries import SummaryStore
from app.storage.users import User

RANGES = {"all": None, "1y": 365, "6m": 182, "3m": 91}


@dataclass(frozen=True)
class RepositoryLine:
    label: str
    url: str | None
    language: str | None
    commits: int
    public: bool
    open_source: bool


@dataclass
class PublicProfile:
    user: User
    summary: Summary
    repositories: list[RepositoryLine]

    @property
    def has_commits(self) -> bool:
        return bool(self.summary.commits or self.summary.merges
                    or self.summary.coauthored_commits)

    def in_range(self, name: str, today: date) -> Summary:
        days = RANGES.get(name)
        if days is None:
            return self.summary
        start = today - timedelta(days=days)
        return self.summary.between((start - timedelta(days=start.weekday())).isoformat(), None)


def _safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def visible_to(user: User, viewer: User | None) -> bool:
    """A private profile is visible to its owner only."""
    return user.public or (viewer is not None and viewer.id == user.id)


def build_public_profile(db: Database, user: User) -> PublicProfile:
    summary = SummaryStore(db).get(user.id) or Summary()
    records = {str(r.id): r for r in RepositoryStore(db).for_user(user.id) if not r.hidden}
    lines = []
    for repo_id, totals in summary.repositories.items():
        record = records.get(repo_id)
        if record is None or not totals.commits:
            continue
        lines.append(RepositoryLine(
            label=record.name if record.public else "private repository",
            url=_safe_url(record.web_url) if record.public else None,
            language=totals.main_language, commits=totals.commits,
            public=record.public, open_source=record.open_source,
        ))
    lines.sort(key=lambda line: -line.commits)
    return PublicProfile(user, summary, lines)
