"""Health checks for the load balancer: alive, and able to reach the database."""

from __future__ import annotations

from flask import Blueprint

from app.storage.database import get_db

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def alive() -> tuple[str, int]:
    return "ok\n", 200


@blueprint.get("/readyz")
def ready() -> tuple[str, int]:
    try:
        get_db().command("ping")
    except Exception:
        # The reason goes to the logs, never to an anonymous caller.
        return "database unreachable\n", 503
    return "ok\n", 200
