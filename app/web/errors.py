"""Error pages in the product's own look, saying what happened and what to do."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

_ADVICE = {
    400: "The request was not understood.",
    403: "You are not allowed to do that.",
    404: "There is nothing here.",
    500: "Something broke on our side. Try again in a moment.",
}


def _render(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    detail = error.description if code != 500 else None
    return render_template("error.html", code=code, title=error.name,
                           advice=detail or _ADVICE.get(code, "")), code


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 405, 500):
        app.register_error_handler(code, _render)
