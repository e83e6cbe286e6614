"""The public CV: numbers, charts and lists from a PublicProfile, for a chosen range."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, date, datetime
from functools import partial

from flask import Blueprint, abort, g, render_template, request, session

from app.statistics.summary import Summary, iso_utc
from app.storage.database import get_db
from app.web import charts
from app.web.calendar import contribution_calendar, month_labels
from app.web.profile_cache import profile_cache
from app.web.public_profile import RANGES, PublicProfile
from app.web.security import render_for_everyone, with_own_nonce
from app.web.theme import current_theme

blueprint = Blueprint("cv", __name__)

KINDS_SHARE_SHOWN = 0.1
RANGE_LABELS = {"all": "All time", "1y": "Last 12 months", "6m": "Last 6 months",
                "3m": "Last 3 months"}


def profile_or_404(username: str) -> tuple[PublicProfile, Hashable]:
    found = profile_cache().profile(get_db(), username, g.get("user"))
    if found is None:
        # The same answer for "no such user" and "private profile".
        abort(404, description=f"No public CV for “{username}”.")
    return found


def chosen_range() -> str:
    name = request.args.get("range", "all")
    return name if name in RANGES else "all"


def _calendar_end(summary: Summary) -> date:
    if summary.last_commit is None:
        return datetime.now(UTC).date()
    return datetime.fromtimestamp(summary.last_commit, UTC).date()


def _chart_scripts(summary: Summary, theme: charts.Theme, show_kinds: bool) -> list[str]:
    if not summary.commits:
        return []
    scripts = [charts.commits_per_week(summary, theme), charts.languages_over_time(summary, theme),
               charts.language_share(summary, theme)]
    if show_kinds:
        scripts.append(charts.commit_types_per_week(summary, theme))
    return scripts


def _content(profile: PublicProfile, summary: Summary, range_name: str,
             show_kinds: bool, theme: charts.Theme) -> str:
    packages = sorted(summary.packages.items(), key=lambda item: -item[1])
    calendar = contribution_calendar(summary.days, _calendar_end(summary))
    return render_template(
        "cv/_content.html", profile=profile, summary=summary, range_name=range_name,
        show_kinds=show_kinds, range_labels=RANGE_LABELS,
        calendar=calendar, calendar_months=month_labels(calendar),
        first_commit=iso_utc(summary.first_commit), last_commit=iso_utc(summary.last_commit),
        packages=[(eco, name, iso_utc(when)) for (eco, name), when in packages],
        language_color=partial(charts.language_color, theme=theme),
    )


@blueprint.get("/cv/<username>")
def show(username: str) -> str:
    profile, version = profile_or_404(username)
    range_name = chosen_range()
    theme = current_theme()
    today = datetime.now(UTC).date()
    cache = profile_cache()
    summary = cache.remember(("range", version, range_name, today),
                             lambda: profile.in_range(range_name, today))
    # Commit types say something only where the user writes Conventional Commits.
    show_kinds = sum(summary.kinds.values()) >= KINDS_SHARE_SHOWN * summary.commits > 0
    # Charts and the body are the same for every visitor of this version: built
    # once. Only the chart scripts' nonce changes per request, outside the body.
    key = (version, range_name, today, theme.name)
    scripts = cache.remember(("charts", *key),
                             lambda: _chart_scripts(summary, theme, show_kinds))
    content = cache.remember(("body", *key),
                             lambda: _content(profile, summary, range_name, show_kinds, theme))
    template = "cv/_body.html" if request.headers.get("HX-Request") else "cv/page.html"

    def render() -> str:
        return render_template(template, profile=profile, chart_scripts=scripts, content=content)

    if g.get("user") is not None or session.get("_flashes") or not _plain_request(range_name):
        return render()
    # Anonymous visitors all get the same page but for the script nonce: render it once.
    page = cache.remember(("page", *key, template, request.full_path),
                          lambda: render_for_everyone(render))
    return with_own_nonce(page)


def _plain_request(range_name: str) -> bool:
    """A CV address with nothing but a known range and theme, so that made-up
    query strings cannot fill the page cache."""
    return (set(request.args) <= {"range", "theme"}
            and request.args.get("range", range_name) == range_name
            and request.args.get("theme", "light") in charts.THEMES)
