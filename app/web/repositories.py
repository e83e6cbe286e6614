"""The repositories page: add, remove and watch collections live (htmx polling)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from app.collector.errors import RepositoryError
from app.collector.mirror import carries_credentials, is_remote_url
from app.collector.repository import GitRepository
from app.scheduling import runner
from app.storage.database import get_db
from app.storage.repositories import RepositoryRecord, RepositoryStore, State
from app.web.auth import local_signin_allowed, login_required

blueprint = Blueprint("repositories", __name__, url_prefix="/repositories")


# Seconds between polls of the list: quick while a collection moves, slow while
# only failed collections wait for their retry, none when all is settled.
POLL_BUSY, POLL_RETRYING = 2, 30


def _poll_seconds(records: list[RepositoryRecord]) -> int | None:
    if any(record.state not in (State.DONE, State.ERROR) for record in records):
        return POLL_BUSY
    if any(record.state is State.ERROR and record.due_at for record in records):
        return POLL_RETRYING
    return None


def _render_list(records: list[RepositoryRecord]) -> str:
    return render_template("repositories/_list.html", records=records,
                           poll_seconds=_poll_seconds(records))


def _own_record(repo_id: str) -> RepositoryRecord:
    try:
        record = RepositoryStore(get_db()).get(ObjectId(repo_id))
    except InvalidId:
        record = None
    if record is None or record.user_id != g.user.id:
        abort(404)
    return record


MAX_SOURCE_LENGTH = 2048


def _validated_source(raw: str) -> str:
    """The source as we store it, or a ValueError that says what to fix."""
    source = raw.strip()
    if not source:
        raise ValueError("Enter a local path or a git URL.")
    if len(source) > MAX_SOURCE_LENGTH or any(ord(c) < 32 for c in source):
        raise ValueError("That is not a path or URL: it is too long or has control characters.")
    if carries_credentials(source):
        raise ValueError("That URL has a user name, password or query string in it, and we "
                         "never keep secrets in a URL: remove them, and connect the provider "
                         "under Connections to reach private repositories.")
    if not local_signin_allowed():
        if not source.startswith("https://"):
            raise ValueError("Only https:// git URLs can be added on this server; private "
                             "repositories come through Connections.")
        return source
    if is_remote_url(source):
        return source
    source = source.removeprefix("file://")
    if not Path(source).expanduser().is_absolute():
        raise ValueError("Enter the full path of the repository, e.g. /home/me/code/project.")
    path = Path(source).expanduser().resolve()
    if path.name == ".git":
        # The same repository as its work tree: one record, not two.
        path = path.parent
    try:
        GitRepository(path)
    except RepositoryError as error:
        raise ValueError(error.message) from error
    return str(path)


def _render_page(typed_source: str = "") -> str:
    records = RepositoryStore(get_db()).for_user(g.user.id)
    return render_template("repositories/index.html", records=records,
                           list_html=_render_list(records), typed_source=typed_source)


MAX_BRANCHES = 20
# What git refuses in a branch name (git check-ref-format), plus commas, our separator.
_NOT_IN_BRANCH_NAMES = re.compile(
    r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|^[-/.]|[/.]$|\.lock$|//|^HEAD$")


def _validated_branches(raw: str) -> list[str]:
    """The extra branch names, or a ValueError that says what to fix."""
    branches = list(dict.fromkeys(b.strip() for b in raw.split(",") if b.strip()))
    if len(branches) > MAX_BRANCHES:
        raise ValueError(f"Name at most {MAX_BRANCHES} branches; the default branch is "
                         "always collected.")
    for branch in branches:
        if len(branch) > 200 or _NOT_IN_BRANCH_NAMES.search(branch):
            raise ValueError(f"“{branch[:60]}” is not a branch name git accepts: "
                             "separate branches with commas, e.g. develop, release/2.0.")
    return branches


@blueprint.get("/")
@login_required
def index() -> str:
    if request.headers.get("HX-Request"):
        return _render_list(RepositoryStore(get_db()).for_user(g.user.id))
    return _render_page()


@blueprint.post("/")
@login_required
def add() -> Any:
    typed = request.form.get("source", "")
    try:
        source = _validated_source(typed)
        branches = _validated_branches(request.form.get("branches", ""))
    except ValueError as error:
        # Rendered, not redirected: what was typed must never travel in a URL.
        flash(str(error), "error")
        refill = "" if carries_credentials(typed) else typed[:MAX_SOURCE_LENGTH]
        return _render_page(refill), 400
    store = RepositoryStore(get_db())
    existing = store.find(g.user.id, source)
    if existing and len({*existing.branches, *branches}) > MAX_BRANCHES:
        flash(f"{existing.name} would have more than {MAX_BRANCHES} extra branches: "
              "name fewer.", "error")
        return _render_page(typed), 400
    store.add(g.user.id, source, branches)
    if existing:
        new_branches = set(branches) - set(existing.branches)
        flash(f"{existing.name} is already on your list"
              + (": its new branches are being collected." if new_branches else "."), "info")
    runner.notify_queued()
    if not g.user.emails:
        flash("Add the email addresses you commit with, so we know which commits are yours.",
              "info")
    return redirect(url_for("repositories.index"))


@blueprint.post("/<repo_id>/collect")
@login_required
def collect_again(repo_id: str) -> str:
    record = _own_record(repo_id)
    RepositoryStore(get_db()).queue({"_id": record.id})
    runner.notify_queued()
    return _render_list(RepositoryStore(get_db()).for_user(g.user.id))


@blueprint.post("/<repo_id>/branches")
@login_required
def change_branches(repo_id: str) -> Any:
    """Replace the extra branches (the default branch is always collected)."""
    record = _own_record(repo_id)
    try:
        branches = _validated_branches(request.form.get("branches", ""))
    except ValueError as error:
        flash(str(error), "error")
        return _render_page(), 400
    if branches != record.branches:
        RepositoryStore(get_db()).set_branches(record.id, branches)
        runner.notify_queued()
        flash(f"{record.name}: branches saved; it is being collected again.", "info")
    return redirect(url_for("repositories.index"))


@blueprint.post("/<repo_id>/delete")
@login_required
def remove(repo_id: str) -> str:
    runner.job().forget(_own_record(repo_id))
    return _render_list(RepositoryStore(get_db()).for_user(g.user.id))


@blueprint.post("/<repo_id>/privacy")
@login_required
def change_privacy(repo_id: str) -> str:
    """Show or hide a repository on public pages, or name it (public) or not."""
    record = _own_record(repo_id)
    RepositoryStore(get_db()).set_privacy(
        record.id,
        hidden=request.form.get("hidden", str(record.hidden)) == "True",
        public=request.form.get("public", str(record.public)) == "True",
    )
    runner.job().refresh_summary(g.user.id)
    return _render_list(RepositoryStore(get_db()).for_user(g.user.id))
