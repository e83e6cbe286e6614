"""CSRF protection for every request that changes state.

A random token lives in the session; forms send it as a hidden field and htmx
sends it as the X-CSRF-Token header (set once on <body> with hx-headers).
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token() -> str:
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return session["csrf_token"]


def _check() -> None:
    if request.method in _SAFE_METHODS:
        return
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    expected = session.get("csrf_token")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="The form expired or did not come from this site: reload the "
                               "page and try again.")


def init_app(app: Flask) -> None:
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = token
