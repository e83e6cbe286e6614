"""The profile outside our pages: an embeddable widget, a README card, a JSON API.

Each reads the PublicProfile as an anonymous visitor would see it, so a private
profile or repository never leaks through them, even to its owner's README.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import partial
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from app.storage.database import get_db
from app.web import charts
from app.web.profile_cache import profile_cache
from app.web.public_profile import PublicProfile
from app.web.security import content_security_policy
from app.web.theme import current_theme

blueprint = Blueprint("sharing", __name__)

EMBED_CHARTS = ("summary", "languages", "commits", "share")
CARD_LANGUAGES = 6


def _public(username: str) -> tuple[PublicProfile, Hashable] | None:
    """As an anonymous visitor sees it: even the owner's README shows no private CV."""
    return profile_cache().profile(get_db(), username)


def _public_or_404(username: str) -> tuple[PublicProfile, Hashable]:
    found = _public(username)
    if found is None:
        abort(404, description=f"No public CV for “{username}”.")
    return found


def _cached(response: Response) -> Response:
    """Public data that caches must revalidate every time (cheap, by ETag): a
    profile made private must disappear at once, not when a cache expires."""
    response.headers["Cache-Control"] = "public, no-cache"
    response.add_etag()
    return response.make_conditional(request)


@blueprint.get("/embed/<username>")
def embed(username: str) -> Response:
    profile, version = _public_or_404(username)
    chart = request.args.get("chart", "summary")
    chart = chart if chart in EMBED_CHARTS else "summary"
    theme = current_theme()
    summary = profile.summary
    script = None
    if summary.commits and chart != "summary":
        builder = {"languages": charts.languages_over_time, "commits": charts.commits_per_week,
                   "share": charts.language_share}[chart]
        script = profile_cache().remember(
            ("embed", version, chart, theme.name),
            lambda: builder(summary, theme, container="embed-chart"))
    response = Response(render_template(
        "embed.html", profile=profile, summary=summary, chart=chart, script=script,
        theme=theme, top=summary.languages_by_lines()[:CARD_LANGUAGES],
        language_color=partial(charts.language_color, theme=theme)))
    # The one page other sites may frame.
    response.headers["Content-Security-Policy"] = content_security_policy(
        frame_ancestors="*", form_action="'none'")
    return response


def _language_bar(profile: PublicProfile, width: float,
                  theme: charts.Theme) -> list[dict[str, Any]]:
    ranked = profile.summary.languages_by_lines()
    total = sum(t.lines_changed for _, t in ranked) or 1
    segments, x = [], 0.0
    for name, totals in ranked[:CARD_LANGUAGES]:
        share = totals.lines_changed / total
        segments.append({"name": name, "x": x, "width": share * width, "share": share,
                         "color": charts.language_color(name, theme)})
        x += share * width
    return segments


@blueprint.get("/card/<username>.svg")
def card(username: str) -> Response:
    profile, version = _public_or_404(username)
    theme = current_theme()
    svg = profile_cache().remember(("card", version, theme.name), lambda: render_template(
        "card.svg", profile=profile, summary=profile.summary, theme=theme,
        bar=_language_bar(profile, 445, theme)))
    response = Response(svg, mimetype="image/svg+xml")
    # An image: no scripts, no outside resources, whatever the SVG holds.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return _cached(response)


@blueprint.get("/api/v1/users/<username>/stats")
def stats(username: str) -> Response:
    found = _public(username)
    if found is None:
        response = jsonify(error="not_found", message=f"No public CV for {username!r}.")
        response.status_code = 404
        return response
    profile, version = found
    # Serialized once per version: every caller of the same version gets the same bytes.
    body = profile_cache().remember(("api", version),
                                    lambda: current_app.json.dumps(_api_body(profile)))
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _cached(response)


def _api_body(profile: PublicProfile) -> dict[str, Any]:
    return {
        "user": {"username": profile.user.username, "name": profile.user.display_name},
        **profile.summary.to_json(),
        "repositories": [
            {"name": line.label if line.public else None, "url": line.url,
             "public": line.public, "open_source": line.open_source,
             "main_language": line.language, "commits": line.commits}
            for line in profile.repositories
        ],
    }
