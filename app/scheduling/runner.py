"""Wires collection into the app: the job always, the background agent in the
one process per machine that wins the instance lock."""

from __future__ import annotations

import atexit
from pathlib import Path

from flask import Flask, current_app

from app.collector.mirror_cache import MirrorCache
from app.crypto import key_provider_for_key_id, key_provider_from_config
from app.crypto.envelope import TokenCipher
from app.providers.connections import Connections
from app.scheduling.agent import AgentSettings, InstanceAgent
from app.scheduling.collection_job import CollectionJob, CollectionSettings
from app.scheduling.instance_lock import InstanceLock
from app.storage.connections import ConnectionStore

GIB = 1 << 30


def init_app(app: Flask) -> None:
    config = app.config
    db = app.extensions["db"]
    mirrors = MirrorCache(Path(config["DATA_DIR"]) / "mirrors",
                          budget_bytes=int(config["MIRROR_BUDGET_GB"] * GIB),
                          max_concurrent_clones=config["MAX_CONCURRENT_CLONES"])
    connections = Connections(ConnectionStore(db), TokenCipher(key_provider_from_config(config)),
                              lambda key_id: key_provider_for_key_id(key_id, config))
    job = CollectionJob(db, mirrors, CollectionSettings(
        allow_local_paths=config["LOCAL_SIGNIN"],
        allow_internal_hosts=config["ALLOW_INTERNAL_GIT_HOSTS"],
        interval_seconds=config["COLLECT_INTERVAL_SECONDS"],
        time_limit_seconds=config["COLLECTION_TIME_LIMIT_SECONDS"],
    ), connections, summary_saved=app.extensions["profile_cache"].forget_versions)
    app.extensions["connections"] = connections
    agent = InstanceAgent(db, job, AgentSettings(
        workers=config["COLLECTOR_WORKERS"],
        schedule_pass_seconds=config["SCHEDULE_PASS_SECONDS"],
        leader_lease_seconds=config["LEADER_LEASE_SECONDS"],
    ))
    app.extensions["collection_job"] = job
    app.extensions["collection_agent"] = agent
    if config["COLLECTOR_ENABLED"]:
        Path(config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
        lock = InstanceLock(Path(config["DATA_DIR"]) / "agent.lock")
        if lock.acquire():
            agent.start()
            atexit.register(agent.stop)


def notify_queued() -> None:
    """Wake this process's workers (others poll within seconds)."""
    current_app.extensions["collection_agent"].wake()


def job() -> CollectionJob:
    return current_app.extensions["collection_job"]


def connections() -> Connections:
    return current_app.extensions["connections"]
