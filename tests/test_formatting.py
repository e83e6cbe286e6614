"""Numbers and times in the words pages show."""

from __future__ import annotations

from app.web.formatting import relative_time, upcoming_time

NOW = 1_700_000_000.0


def test_relative_times_read_naturally() -> None:
    assert relative_time(NOW + 300, NOW) == "in 5 minutes"
    assert relative_time(NOW - 7200, NOW) == "2 hours ago"
    assert relative_time(NOW + 10, NOW) == "now"


def test_an_overdue_retry_is_very_soon_not_in_the_past() -> None:
    assert upcoming_time(NOW + 3600, NOW) == "in 1 hour"
    assert upcoming_time(NOW - 960, NOW) == "very soon"
