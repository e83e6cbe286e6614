"""Response headers that every page gets: no framing, no foreign scripts."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, Response, g

# Stands in for the nonce in a page rendered once for many visitors; each
# response swaps in its own (random per process, so no page can guess it).
_NONCE_PLACEHOLDER = f"nonce-placeholder-{secrets.token_hex(16)}"


def script_nonce() -> str:
    """A per-request nonce for the inline scripts that start the charts."""
    if "script_nonce" not in g:
        g.script_nonce = secrets.token_urlsafe(16)
    return g.script_nonce


def render_for_everyone(render: Callable[[], str]) -> str:
    """Render a page to be cached for every visitor, with a placeholder nonce."""
    g.script_nonce = _NONCE_PLACEHOLDER
    try:
        return render()
    finally:
        g.pop("script_nonce")


def with_own_nonce(page: str) -> str:
    """A page from render_for_everyone with this request's nonce in place."""
    return page.replace(_NONCE_PLACEHOLDER, script_nonce())


def content_security_policy(frame_ancestors: str = "'none'", form_action: str = "'self'") -> str:
    """The policy of our pages: our own scripts and this request's inline ones only."""
    nonce = g.get("script_nonce")
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        # blob: for the PNG a chart export draws in the browser.
        "img-src 'self' data: blob: https://avatars.githubusercontent.com; "
        f"frame-ancestors {frame_ancestors}; base-uri 'none'; form-action {form_action}"
    )


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    app.jinja_env.globals["script_nonce"] = script_nonce
