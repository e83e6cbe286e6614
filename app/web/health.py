"""Health checks for the load balancer: alive, and able to reach the database."""

from __future__ import annotations

import logging

from flask import Blueprint
from pymongo.errors import PyMongoError

from app.storage.database import get_db

log = logging.getLogger(__name__)
blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def alive() -> tuple[str, int]:
    return "ok\n", 200


@blueprint.get("/readyz")
def ready() -> tuple[str, int]:
    try:
        get_db().command("ping")
    except PyMongoError as error:
        # The reason goes to the logs, never to an anonymous caller.
        log.warning("readiness check: database unreachable: %s", type(error).__name__)
        return "database unreachable\n", 503
    return "ok\n", 200
