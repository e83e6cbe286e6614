"""The contribution calendar: 53 weeks of days, shaded by commits, named by month."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from app.web.calendar import WEEKS, contribution_calendar, month_labels


def test_the_calendar_ends_on_the_last_day_with_weeks_starting_on_monday() -> None:
    weeks = contribution_calendar({}, date(2026, 12, 4))
    assert len(weeks) == WEEKS
    assert all(week[0].day.weekday() == 0 for week in weeks)
    assert weeks[-1][-1].day == date(2026, 12, 4)


def test_the_busiest_day_is_the_darkest_and_empty_days_are_blank() -> None:
    weeks = contribution_calendar({"2026-12-01": 8, "2026-12-02": 1}, date(2026, 12, 4))
    levels = {day.day.isoformat(): day.level for week in weeks for day in week}
    assert (levels["2026-12-01"], levels["2026-12-02"], levels["2026-12-03"]) == (4, 1, 0)


def test_each_month_is_named_once_where_its_first_week_begins() -> None:
    weeks = contribution_calendar({}, date(2026, 12, 4))
    labels = month_labels(weeks)
    names = [name for _, name in labels]
    assert len(names) == len(set(names))
    column, name = labels[names.index("Jan")]
    assert name == "Jan" and weeks[column][0].day.month == 1
    assert weeks[column - 1][0].day.month == 12


def test_a_month_label_that_would_not_fit_is_left_out() -> None:
    # The first column's month (November 2025) begins one week before December.
    weeks = contribution_calendar({}, date(2026, 11, 26))
    labels = month_labels(weeks)
    assert weeks[0][0].day == date(2025, 11, 24)
    assert labels[0] == (1, "Dec")
    assert all(b - a >= 3 for (a, _), (b, _) in pairwise(labels))
