"""Each user's summary, stored whole so pages never sum raw commits per request."""

from __future__ import annotations

import time
from typing import Any

from pymongo.database import Database

from app.statistics.model import LineCounts
from app.statistics.summary import LanguageTotals, Summary, WeekTotals

_FIELDS = ("commits", "merges", "coauthored_commits", "coauthored_lines_added",
           "coauthored_lines_removed", "lines_added", "lines_removed", "outlier_commits",
           "first_commit", "last_commit")


def to_document(summary: Summary) -> dict[str, Any]:
    # Names go into values, not keys: language names may contain dots.
    return {
        **{name: getattr(summary, name) for name in _FIELDS},
        "languages": [[name, t.commits, t.lines_added, t.lines_removed]
                      for name, t in summary.languages.items()],
        "excluded": [[reason, c.added, c.removed] for reason, c in summary.excluded.items()],
        "weeks": [[week, t.commits, t.lines_added, t.lines_removed, list(t.languages.items())]
                  for week, t in summary.weeks.items()],
    }


def from_document(document: dict[str, Any]) -> Summary:
    summary = Summary(**{name: document[name] for name in _FIELDS})
    summary.languages = {name: LanguageTotals(c, a, r) for name, c, a, r in document["languages"]}
    summary.excluded = {reason: LineCounts(a, r) for reason, a, r in document["excluded"]}
    summary.weeks = {
        week: WeekTotals(c, a, r, dict(map(tuple, languages)))
        for week, c, a, r, languages in document["weeks"]
    }
    return summary


class SummaryStore:
    def __init__(self, db: Database) -> None:
        self._summaries = db.summaries

    def save(self, user_id: str, summary: Summary) -> None:
        # replace_one, not $set: the whole summary changes together. The _id is
        # repeated in the document because the embedded server's upsert ignores
        # the filter's _id (pinned in test_storage_contract.py).
        self._summaries.replace_one(
            {"_id": user_id},
            {"_id": user_id, **to_document(summary), "computed_at": time.time()},
            upsert=True,
        )

    def get(self, user_id: str) -> Summary | None:
        document = self._summaries.find_one({"_id": user_id})
        return from_document(document) if document else None
