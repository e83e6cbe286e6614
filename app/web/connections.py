"""Connecting git providers with access tokens, and picking their repositories."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from app.collector.mirror import carries_credentials
from app.crypto.envelope import DecryptionError
from app.crypto.keys import KeyProviderError
from app.providers import ProviderError
from app.providers.connections import PROVIDER_SETTINGS
from app.scheduling import runner
from app.storage.connections import Connection, ConnectionStore
from app.storage.database import get_db
from app.storage.repositories import RepositoryStore
from app.web.auth import login_required

blueprint = Blueprint("connections", __name__, url_prefix="/connections")

PROVIDER_NAMES = {"github": "GitHub", "gitlab": "GitLab", "azure": "Azure DevOps"}
MAX_TOKEN_LENGTH = 1024
FILTERS = ("all", "private", "public", "selected")


def _own(connection_id: str) -> Connection:
    connection = ConnectionStore(get_db()).get(g.user.id, connection_id)
    if connection is None:
        abort(404)
    return connection


def _server_carries_credentials(address: str) -> bool:
    """Whether a server address, with or without its https://, holds a secret."""
    return carries_credentials(address if "://" in address else f"https://{address}")


def _settings_from_form(kind: str) -> dict[str, str]:
    settings = {}
    for name in PROVIDER_SETTINGS[kind]:
        # One form field for the server, whatever the provider calls it.
        field = "server" if name.endswith("_url") else name
        value = request.form.get(field, "").strip()
        if value:
            if name.endswith("_url") and _server_carries_credentials(value):
                raise ValueError("Enter the server address without a user name, password or "
                                 "query string: the token goes in its own field.")
            # Plain http only for the stand-in servers of tests.
            plain_http_allowed = current_app.config["ALLOW_INTERNAL_GIT_HOSTS"]
            if name.endswith("_url") and not (value.startswith("https://") or (
                    plain_http_allowed and value.startswith("http://"))):
                raise ValueError("The server address must start with https://.")
            settings[name] = value.rstrip("/")
    if kind == "azure" and not settings.get("organization"):
        raise ValueError("Enter your Azure DevOps organization (dev.azure.com/<organization>).")
    return settings


@blueprint.get("/")
@login_required
def index() -> str:
    return _render_page({})


def _render_page(typed: dict[str, str]) -> str:
    """The page, with what was typed into the connect form (never the token)."""
    return render_template("connections/index.html", provider_names=PROVIDER_NAMES,
                           connections=ConnectionStore(get_db()).for_user(g.user.id),
                           typed=typed)


@blueprint.post("/")
@login_required
def connect() -> Any:
    kind = request.form.get("kind", "")
    token = request.form.get("token", "").strip()
    replacing = _own(request.form["connection"]) if request.form.get("connection") else None
    if replacing:
        kind = replacing.kind
    if kind not in PROVIDER_NAMES:
        abort(400, description="Choose GitHub, GitLab or Azure DevOps.")
    try:
        settings = replacing.settings if replacing else _settings_from_form(kind)
        if not token or len(token) > MAX_TOKEN_LENGTH or any(c.isspace() for c in token):
            raise ValueError("Paste the access token exactly as the provider showed it.")
        runner.connections().connect(g.user.id, kind, settings, token, replacing)
    except (ValueError, ProviderError) as error:
        flash(getattr(error, "message", None) or str(error), "error")
        return _failed(replacing)
    except KeyProviderError:
        flash("The token could not be encrypted right now, so it was not saved: try again "
              "in a minute.", "error")
        return _failed(replacing)
    if replacing:
        RepositoryStore(get_db()).queue({"connection_id": str(replacing.id)})
        runner.notify_queued()
    flash(f"{PROVIDER_NAMES[kind]} connected. Pick the repositories to collect.", "info")
    return redirect(url_for("connections.index"))


def _failed(replacing: Connection | None) -> Any:
    """Back to the form as it was filled in (rendered: what was typed stays out of URLs)."""
    if replacing:
        return redirect(url_for("connections.index"))
    typed = {name: request.form.get(name, "")[:300] for name in ("kind", "server", "organization")}
    if _server_carries_credentials(typed["server"]):
        typed["server"] = ""
    return _render_page(typed), 400


@blueprint.post("/<connection_id>/delete")
@login_required
def disconnect(connection_id: str) -> Any:
    connection = _own(connection_id)
    for record in RepositoryStore(get_db()).for_user(g.user.id):
        if record.connection_id == str(connection.id):
            runner.job().forget(record)
    ConnectionStore(get_db()).remove(connection.id)
    flash("Connection removed, with its token and its repositories' statistics.", "info")
    return redirect(url_for("connections.index"))


def _picker(connection: Connection) -> dict[str, Any]:
    query = request.values.get("q", "").strip().lower()
    shown = request.values.get("filter", "all")
    selected = {record.source for record in RepositoryStore(get_db()).for_user(g.user.id)
                if record.connection_id == str(connection.id)}
    rows = []
    for repository in connection.repositories:
        chosen = repository["clone_url"] in selected
        if query and query not in repository["full_name"].lower():
            continue
        if (shown == "private" and not repository["private"]) or (
                shown == "public" and repository["private"]) or (
                shown == "selected" and not chosen):
            continue
        rows.append({**repository, "selected": chosen})
    return {"connection": connection, "rows": rows, "query": query,
            "shown": shown if shown in FILTERS else "all", "filters": FILTERS,
            "provider_names": PROVIDER_NAMES}


@blueprint.get("/<connection_id>/repositories")
@login_required
def repositories(connection_id: str) -> str:
    connection = _own(connection_id)
    if connection.listed_at is None:
        connection = _refreshed(connection)
    if request.headers.get("HX-Request"):
        return render_template("connections/_rows.html", **_picker(connection))
    return render_template("connections/repositories.html", **_picker(connection))


def _refreshed(connection: Connection) -> Connection:
    try:
        runner.connections().refresh_repositories(connection)
    except ProviderError as error:
        flash(error.message, "error")
    except DecryptionError as error:
        flash(str(error), "error")
    return _own(str(connection.id))


@blueprint.post("/<connection_id>/repositories/refresh")
@login_required
def refresh(connection_id: str) -> Any:
    _refreshed(_own(connection_id))
    return redirect(url_for("connections.repositories", connection_id=connection_id))


@blueprint.post("/<connection_id>/repositories/toggle")
@login_required
def toggle(connection_id: str) -> str:
    connection = _own(connection_id)
    clone_url = request.form.get("clone_url", "")
    listed = {r["clone_url"]: r for r in connection.repositories}
    if clone_url not in listed:
        abort(404)
    remote = listed[clone_url]
    store = RepositoryStore(get_db())
    existing = [r for r in store.for_user(g.user.id) if r.source == clone_url]
    if existing:
        runner.job().forget(existing[0])
    else:
        store.add(g.user.id, clone_url, connection_id=str(connection.id),
                  public=not remote["private"], owned=remote["owner"] == connection.account,
                  web_url=remote.get("web_url"))
        runner.notify_queued()
    return render_template("connections/_row.html", row={**remote, "selected": not existing},
                           connection=connection)
