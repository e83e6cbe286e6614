"""The contribution calendar: a year of days as a grid of weeks, shaded by commits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

WEEKS = 53
# Columns a month name needs ("Sep" in the calendar's small type).
MONTH_LABEL_COLUMNS = 3


@dataclass(frozen=True)
class Day:
    day: date
    commits: int
    level: int  # 0 (none) to 4 (the busiest days)


def _level(commits: int, busiest: int) -> int:
    """Quarters of the busiest day: the busiest days are always the darkest."""
    if commits == 0:
        return 0
    return max(1, math.ceil(4 * commits / max(busiest, 1)))


def contribution_calendar(days: dict[str, int], last_day: date) -> list[list[Day]]:
    """Columns of weeks (Monday first) for the 53 weeks ending with `last_day`."""
    first_monday = last_day - timedelta(days=last_day.weekday(), weeks=WEEKS - 1)
    shown = [first_monday + timedelta(days=n) for n in range((last_day - first_monday).days + 1)]
    busiest = max((days.get(d.isoformat(), 0) for d in shown), default=0)
    cells = [Day(d, days.get(d.isoformat(), 0), _level(days.get(d.isoformat(), 0), busiest))
             for d in shown]
    return [cells[start:start + 7] for start in range(0, len(cells), 7)]


def month_labels(weeks: list[list[Day]]) -> list[tuple[int, str]]:
    """(column, "Jan") where a month begins, as the calendar's top row shows them.
    A month whose first column comes too late to fit its name is left unnamed."""
    labels = [
        (column, week[0].day.strftime("%b")) for column, week in enumerate(weeks)
        if column == 0 or week[0].day.month != weeks[column - 1][0].day.month
    ]
    if len(labels) > 1 and labels[1][0] - labels[0][0] < MONTH_LABEL_COLUMNS:
        labels.pop(0)
    if labels and len(weeks) - labels[-1][0] < MONTH_LABEL_COLUMNS - 1:
        labels.pop()
    return labels
