"""Light or dark: chosen by ?theme= (the widget, the card) or remembered in a cookie."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, request

from app.web.charts import THEMES, Theme

blueprint = Blueprint("theme", __name__)
COOKIE = "theme"


def current_theme() -> Theme:
    name = request.args.get("theme") or request.cookies.get(COOKIE) or "light"
    return THEMES.get(name, THEMES["light"])


def _same_site_path(target: str) -> str:
    """`target` if it is a path on this site, else "/": never an open redirect.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash,
    so "/", a tab, then "/evil.example" would lead away: any of them is refused."""
    if (any(c.isspace() or c == "\\" or ord(c) < 32 for c in target)
            or not target.startswith("/") or target.startswith("//")):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


@blueprint.get("/theme/<name>")
def choose(name: str) -> Response:
    """A link, not a form: it only sets the visitor's own preference, and a form
    would need a CSRF token, so a session for every anonymous visitor."""
    response = redirect(_same_site_path(request.args.get("next", "/")))
    if name in THEMES:
        response.set_cookie(COOKIE, name, max_age=365 * 86400, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    return response
