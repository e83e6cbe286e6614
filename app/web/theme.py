"""Light or dark: chosen by ?theme= (the widget, the card) or remembered in a cookie."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from app.web.charts import THEMES, Theme

blueprint = Blueprint("theme", __name__)
COOKIE = "theme"


def current_theme() -> Theme:
    name = request.args.get("theme") or request.cookies.get(COOKIE) or "light"
    return THEMES.get(name, THEMES["light"])


@blueprint.get("/theme/<name>")
def choose(name: str) -> Response:
    """A link, not a form: it only sets the visitor's own preference, and a form
    would need a CSRF token, so a session for every anonymous visitor."""
    back = request.args.get("next", "/")
    # Only a path on this site: never an open redirect.
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = redirect(back)
    if name in THEMES:
        response.set_cookie(COOKIE, name, max_age=365 * 86400, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    return response
