"""The MongoDB connection: a real server from MONGODB_URI, or the embedded one."""

from __future__ import annotations

import atexit
import logging
from pathlib import Path

from flask import Flask, current_app
from pymongo import ASCENDING, MongoClient
from pymongo.database import Database
from pymongo.errors import PyMongoError

from app.storage.embedded import EmbeddedMongo

log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """MongoDB did not answer when the app started."""


def connect(uri: str, name: str) -> Database:
    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000)
    return client[name]


def migrate(db: Database) -> None:
    """Bring documents written by earlier versions up to date; safe to repeat."""
    for user in db.users.find({"username_key": {"$exists": False}}, {"username": True}):
        db.users.update_one({"_id": user["_id"]},
                            {"$set": {"username_key": user["username"].lower()}})


def create_indexes(db: Database) -> None:
    """Indexes the queries rely on; a commit is stored at most once per run."""
    db.commits.create_index(
        [("repo_id", ASCENDING), ("sha", ASCENDING), ("run", ASCENDING)], unique=True
    )
    db.commits.create_index([("run", ASCENDING)])
    db.repositories.create_index([("user_id", ASCENDING)])
    db.repositories.create_index([("state", ASCENDING), ("queued_at", ASCENDING)])
    db.repositories.create_index([("due_at", ASCENDING)])
    db.users.create_index([("username_key", ASCENDING)], unique=True)


URI_FILE = "uri"


def embedded_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "mongo"


def running_embedded_uri(app: Flask) -> str | None:
    """The URI of an embedded server another process of this instance started
    (the operator commands join it rather than start a second one)."""
    if not app.config.get("JOIN_RUNNING_EMBEDDED"):
        return None
    try:
        uri = (embedded_folder(app) / URI_FILE).read_text().strip()
        MongoClient(uri, serverSelectionTimeoutMS=1000).admin.command("ping")
    except (OSError, PyMongoError):
        return None
    return uri


def init_app(app: Flask) -> None:
    """Connect the app to its database, starting the embedded server if needed."""
    uri = app.config.get("MONGODB_URI") or running_embedded_uri(app)
    if not uri:
        server = EmbeddedMongo(embedded_folder(app))
        uri = server.start()
        (embedded_folder(app) / URI_FILE).write_text(uri)
        atexit.register(server.stop)
        app.extensions["embedded_mongo"] = server
        log.info("started the embedded database on %s", uri)
    db = connect(uri, app.config["MONGODB_DATABASE"])
    try:
        migrate(db)
        create_indexes(db)
    except PyMongoError as error:
        # Only the error's type: its text can name hosts, and the URI holds credentials.
        raise DatabaseUnavailable(
            f"MongoDB did not answer ({type(error).__name__}): check MONGODB_URI and that the "
            "server is up, then start again"
        ) from None
    app.extensions["db"] = db


def get_db() -> Database:
    return current_app.extensions["db"]
