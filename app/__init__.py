"""Commit Stats: a public CV of a developer's commits, without their code."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def _secret_key(instance_path: Path) -> str:
    """The session signing key: from the environment, else a 0600 file made once."""
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then the test's settings."""
    app = Flask(__name__, instance_relative_config=True,
                static_folder="../static", template_folder="../templates")
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        MONGODB_URI=os.environ.get("MONGODB_URI"),
        MONGODB_DATABASE=os.environ.get("MONGODB_DATABASE", "commitstats"),
        DATA_DIR=os.environ.get("COMMITSTATS_DATA_DIR", str(instance_path / "data")),
        # Set only by `commitstats serve` on a loopback address; see web/auth.py.
        LOCAL_SIGNIN=False,
        LOCAL_USERNAME=os.environ.get("COMMITSTATS_LOCAL_USERNAME", "me"),
        GITHUB_OAUTH_CLIENT_ID=os.environ.get("GITHUB_OAUTH_CLIENT_ID"),
        GITHUB_OAUTH_CLIENT_SECRET=os.environ.get("GITHUB_OAUTH_CLIENT_SECRET"),
        GITHUB_WEB_URL=os.environ.get("GITHUB_WEB_URL", "https://github.com"),
        GITHUB_API_URL=os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        KMS_KEY_ID=os.environ.get("KMS_KEY_ID"),
        AWS_REGION=os.environ.get("AWS_REGION"),
        INSTANCE_PATH=str(instance_path),
        # Tests clone from stand-in servers on 127.0.0.1; production never does.
        ALLOW_INTERNAL_GIT_HOSTS=False,
        COLLECTOR_ENABLED=True,
        COLLECTOR_WORKERS=int(os.environ.get("COMMITSTATS_COLLECTOR_WORKERS", "2")),
        MAX_CONCURRENT_CLONES=int(os.environ.get("COMMITSTATS_MAX_CONCURRENT_CLONES", "2")),
        MIRROR_BUDGET_GB=float(os.environ.get("COMMITSTATS_MIRROR_BUDGET_GB", "20")),
        COLLECT_INTERVAL_SECONDS=float(os.environ.get("COMMITSTATS_COLLECT_INTERVAL", "900")),
        SCHEDULE_PASS_SECONDS=float(os.environ.get("COMMITSTATS_SCHEDULE_PASS", "60")),
        LEADER_LEASE_SECONDS=float(os.environ.get("COMMITSTATS_LEADER_LEASE", "30")),
        COLLECTION_TIME_LIMIT_SECONDS=float(os.environ.get("COMMITSTATS_TIME_LIMIT", "3600")),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    proxies = int(os.environ.get("COMMITSTATS_PROXY_HOPS", "0"))
    if proxies:
        # Behind the load balancer: trust its X-Forwarded-For/-Proto/-Host, and
        # only as many hops as configured, so a client cannot forge its address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance_path)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run of every job at INFO: a line every few seconds.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    from app.scheduling import runner
    from app.storage import database
    from app.web import (
        audit,
        auth,
        connections,
        csrf,
        cv,
        errors,
        formatting,
        github_login,
        health,
        pages,
        profile_cache,
        repositories,
        security,
        sharing,
        theme,
    )

    database.init_app(app)
    profile_cache.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    formatting.init_app(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(auth.blueprint)
    github_login.init_app(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(repositories.blueprint)
    app.register_blueprint(connections.blueprint)
    app.register_blueprint(cv.blueprint)
    app.register_blueprint(audit.blueprint)
    app.register_blueprint(theme.blueprint)
    app.register_blueprint(sharing.blueprint)
    app.jinja_env.globals["current_theme"] = theme.current_theme
    runner.init_app(app)
    return app
