"""Template filters that turn numbers into words people read."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Flask


def relative_time(moment: float, now: float | None = None) -> str:
    """'in 5 minutes', '2 hours ago', 'now'."""
    seconds = moment - (time.time() if now is None else now)
    size = abs(seconds)
    if size < 45:
        return "now"
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = round(size / length)
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "now"


def upcoming_time(moment: float, now: float | None = None) -> str:
    """Like relative_time for something still to happen: 'very soon' once overdue."""
    current = time.time() if now is None else now
    return relative_time(moment, current) if moment > current else "very soon"


def utc_datetime(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["relative_time"] = relative_time
    app.jinja_env.filters["upcoming_time"] = upcoming_time
    app.jinja_env.filters["datetime"] = utc_datetime
