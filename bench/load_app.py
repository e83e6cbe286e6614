"""The app as bench/load.py serves it under gunicorn, plus bare routes for comparison.

    gunicorn 'bench.load_app:create_bench_app()'

Reads MONGODB_URI, MONGODB_DATABASE and COMMITSTATS_BENCH_USER from the environment
(bench/load.py sets them). The background collector is off: it would compete with the
requests for the CPU, and the database is filled beforehand.

Each `/bench/bare/<target>` route answers with the bytes and content type that the real
page gave once, at start-up, from memory: the same response size through the same
Flask, WSGI server and headers, without reading the database or rendering a template.
The ratio real/bare is what the page's own work costs.
"""

from __future__ import annotations

import os

from flask import Flask, Response, abort

from app import create_app


def bench_targets(username: str) -> dict[str, str]:
    """The pages under load, by the name of their bare twin."""
    return {
        "cv": f"/cv/{username}",
        "card": f"/card/{username}.svg",
        "api": f"/api/v1/users/{username}/stats",
    }


def create_bench_app() -> Flask:
    app = create_app({"COLLECTOR_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    captured: dict[str, tuple[bytes, str]] = {}

    @app.get("/bench/bare/<name>")
    def bare(name: str) -> Response:
        if name not in captured:
            abort(404)
        body, content_type = captured[name]
        return Response(body, content_type=content_type)

    with app.test_client() as client:
        for name, url in bench_targets(os.environ["COMMITSTATS_BENCH_USER"]).items():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}, not 200")
            captured[name] = (response.get_data(), response.content_type)
    return app
