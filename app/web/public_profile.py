"""What public pages may show of a user: the one place privacy is decided.

The CV, the widget, the card and the API all read a PublicProfile, so a private
repository's name, a hidden repository or a hidden language cannot reach one of
them by a different path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pymongo.database import Database

from app.statistics.summary import Summary
from app.storage.repositories import RepositoryStore
from app.storage.summaries import SummaryStore
from app.storage.users import User, UserStore

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

    def in_range(self, name: str, today: date | None = None) -> Summary:
        days = RANGES.get(name)
        if days is None:
            return self.summary
        today = today or datetime.now(UTC).date()
        start = today - timedelta(days=days)
        return self.summary.between((start - timedelta(days=start.weekday())).isoformat(), None)


def _safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def load_public_profile(db: Database, username: str,
                        viewer: User | None = None) -> PublicProfile | None:
    """The profile as the public sees it, or None when it does not exist or is
    private to everyone but its owner."""
    user = UserStore(db).by_username(username)
    if user is None or (not user.public and (viewer is None or viewer.id != user.id)):
        return None
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
