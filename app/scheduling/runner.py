"""Wires the collection worker into the app: one background thread per process."""

from __future__ import annotations

import atexit
from pathlib import Path

from flask import Flask, current_app

from app.scheduling.collection_job import CollectionJob
from app.scheduling.worker import CollectionWorker
from app.storage.database import get_db
from app.storage.repositories import RepositoryStore


def init_app(app: Flask) -> None:
    db = app.extensions["db"]
    job = CollectionJob(
        db, Path(app.config["DATA_DIR"]) / "mirrors",
        allow_local_paths=app.config["LOCAL_SIGNIN"],
    )
    worker = CollectionWorker(job, RepositoryStore(db))
    app.extensions["collection_job"] = job
    app.extensions["collection_worker"] = worker
    if app.config["COLLECTOR_ENABLED"]:
        # Single process in local mode: whatever was running when it stopped
        # is simply queued again.
        RepositoryStore(db).requeue_abandoned()
        worker.start()
        atexit.register(worker.stop)


def notify_queued() -> None:
    """Tell this process's worker that a repository was just queued."""
    current_app.extensions["collection_worker"].wake()


def job() -> CollectionJob:
    return current_app.extensions["collection_job"]


__all__ = ["get_db", "init_app", "job", "notify_queued"]
