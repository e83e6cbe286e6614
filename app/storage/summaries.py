"""Each user's summary, stored whole so pages never sum raw commits per request."""

from __future__ import annotations

import time
from typing import Any

from pymongo.database import Database

from app.statistics.model import LineCounts
from app.statistics.summary import LanguageTotals, RepositoryTotals, Summary, WeekTotals

# The audit lists the files that lost the most lines; a summary stays small.
MAX_AUDITED_FILES = 300
_WEEK_FIELDS = ("commits", "merges", "coauthored_commits", "coauthored_lines_added",
                "coauthored_lines_removed", "outlier_commits", "first", "last")


# Names go into values, not keys: language names may contain dots.
def _pairs(mapping: dict[str, Any]) -> list[list[Any]]:
    return [[name, value] for name, value in mapping.items()]


def _week_document(week: str, totals: WeekTotals) -> dict[str, Any]:
    return {
        "week": week,
        **{name: getattr(totals, name) for name in _WEEK_FIELDS},
        "languages": [[n, t.commits, t.lines_added, t.lines_removed]
                      for n, t in totals.languages.items()],
        "excluded": [[r, c.added, c.removed] for r, c in totals.excluded.items()],
        "kinds": _pairs(totals.kinds),
        "infrastructure": _pairs(totals.infrastructure),
    }


def _week_from(document: dict[str, Any]) -> WeekTotals:
    return WeekTotals(
        **{name: document[name] for name in _WEEK_FIELDS},
        languages={n: LanguageTotals(c, a, r) for n, c, a, r in document["languages"]},
        excluded={reason: LineCounts(a, r) for reason, a, r in document["excluded"]},
        kinds=dict(document["kinds"]),
        infrastructure=dict(document["infrastructure"]),
    )


def to_document(summary: Summary) -> dict[str, Any]:
    return {
        "weeks": [_week_document(week, totals) for week, totals in summary.weeks.items()],
        "days": _pairs(summary.days),
        "repositories": [[repo, t.commits, t.lines_changed, _pairs(t.languages)]
                         for repo, t in summary.repositories.items()],
        "packages": [[ecosystem, name, when]
                     for (ecosystem, name), when in summary.packages.items()],
        "excluded_files": [[path, *entry] for path, entry in sorted(
            summary.excluded_files.items(), key=lambda item: -(item[1][1] + item[1][2])
        )[:MAX_AUDITED_FILES]],
        "outliers": [list(outlier) for outlier in summary.outliers],
    }


def from_document(document: dict[str, Any]) -> Summary:
    summary = Summary(
        weeks={week["week"]: _week_from(week) for week in document["weeks"]},
        days=dict(document["days"]),
        repositories={repo: RepositoryTotals(c, changed, dict(languages))
                      for repo, c, changed, languages in document["repositories"]},
        packages={(ecosystem, name): when for ecosystem, name, when in document["packages"]},
        excluded_files={path: (reason, added, removed)
                        for path, reason, added, removed in document.get("excluded_files", [])},
        outliers=[(when, added) for when, added in document.get("outliers", [])],
    )
    summary.recount()
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

    def version(self, user_id: str) -> float | None:
        """When the stored summary was computed: changes whenever it changes."""
        document = self._summaries.find_one({"_id": user_id}, {"computed_at": True})
        return document["computed_at"] if document else None

    def get(self, user_id: str) -> Summary | None:
        document = self._summaries.find_one({"_id": user_id})
        return from_document(document) if document else None
