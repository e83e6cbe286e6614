"""The contribution calendar: a year of days as a grid of weeks, shaded by commits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

WEEKS = 53


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
