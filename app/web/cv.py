"""The public CV page: a user's summary as numbers and charts."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.statistics.summary import iso_utc
from app.storage.database import get_db
from app.storage.repositories import RepositoryStore
from app.storage.summaries import SummaryStore
from app.storage.users import UserStore
from app.web import charts

blueprint = Blueprint("cv", __name__)


@blueprint.get("/cv/<username>")
def show(username: str) -> str:
    user = UserStore(get_db()).by_username(username)
    if user is None:
        abort(404, description=f"No CV for “{username}”.")
    summary = SummaryStore(get_db()).get(user.id)
    repository_count = len(RepositoryStore(get_db()).for_user(user.id))
    scripts = []
    if summary and summary.commits:
        scripts = [charts.commits_per_week(summary), charts.languages_over_time(summary),
                   charts.language_share(summary)]
    return render_template(
        "cv.html", profile=user, summary=summary, chart_scripts=scripts,
        repository_count=repository_count,
        first_commit=iso_utc(summary.first_commit) if summary else None,
        last_commit=iso_utc(summary.last_commit) if summary else None,
    )
