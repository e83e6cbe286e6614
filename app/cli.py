"""The `commitstats` command line: collect repositories locally and print the numbers."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

import click
from flask import Flask

from app.collector.collect import CollectionRequest, collect
from app.collector.errors import RepositoryError
from app.collector.memory_sink import MemorySink
from app.collector.mirror import Mirror, carries_credentials, is_remote_url
from app.collector.repository import GitRepository
from app.emails import is_email
from app.statistics.model import CommitStats
from app.statistics.summary import Summary, summarize


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._drawn_at = 0.0
        self._interactive = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._interactive and now - self._drawn_at >= 0.1:
            self._drawn_at = now
            self._draw(done, total, end="\r")

    def finish(self, done: int) -> None:
        self._draw(done, done, end="\n")

    def _draw(self, done: int, total: int, end: str) -> None:
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"{self._label} [{bar}] {done}/{total} commits read", err=True, nl=False)
        click.echo(end, err=True, nl=False)


def _open(source: str, cache: Path) -> GitRepository:
    if not is_remote_url(source) and not source.startswith("file://"):
        return GitRepository(source)
    name = hashlib.sha256(source.encode()).hexdigest()[:24]
    return Mirror(source, cache / f"{name}.git").update()


def _format_summary(summary: Summary) -> str:
    lines = [
        f"commits             {summary.commits:>10,}",
        f"merges              {summary.merges:>10,}",
        f"co-authored commits {summary.coauthored_commits:>10,}",
        f"lines added         {summary.lines_added:>10,}",
        f"lines removed       {summary.lines_removed:>10,}",
        f"active weeks        {summary.active_weeks:>10,}",
    ]
    data = summary.to_json()
    lines.append(f"first commit        {data['first_commit'] or '-':>20}")
    lines.append(f"last commit         {data['last_commit'] or '-':>20}")
    for name, totals in summary.languages_by_lines()[:15]:
        lines.append(f"  {name:<24} {totals.commits:>7,} commits  "
                     f"+{totals.lines_added:,} -{totals.lines_removed:,}")
    for reason, counts in sorted(summary.excluded.items()):
        lines.append(f"  excluded ({reason}): +{counts.added:,} -{counts.removed:,}")
    return "\n".join(lines)


@click.group()
def main() -> None:
    """Commit Stats: statistics of your own commits, without your code."""


@main.command("collect")
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--email", "emails", multiple=True, required=True,
              help="An author email of yours (repeat for several).")
@click.option("--branch", "branches", multiple=True,
              help="Also collect this branch (the default branch always is).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--cache", type=click.Path(path_type=Path),
              default=Path.home() / ".cache" / "commitstats" / "mirrors", show_default=True,
              help="Where clones of remote URLs are kept between runs.")
def collect_command(
    sources: tuple[str, ...], emails: tuple[str, ...], branches: tuple[str, ...],
    as_json: bool, cache: Path,
) -> None:
    """Collect statistics of your commits in local repositories or git URLs."""
    invalid = [email for email in emails if not is_email(email.strip())]
    if invalid:
        raise click.BadParameter(f"{invalid[0]!r} is not an email address", param_hint="--email")
    collected: list[CommitStats] = []
    request = CollectionRequest(
        emails=frozenset(email.strip().lower() for email in emails), branches=branches
    )
    failed = False
    for number, source in enumerate(sources, start=1):
        if carries_credentials(source):
            click.echo(f"PATH_OR_URL #{number}: the URL has a user name, password or query "
                       "string in it, which would reach git's arguments and the clone's "
                       "config: remove them and let a git credential helper supply them",
                       err=True)
            failed = True
            continue
        progress = ProgressBar(source)
        sink = MemorySink()
        try:
            repository = _open(source, cache)
            outcome = collect(repository, request, sink, progress)
        except RepositoryError as error:
            click.echo(f"{source}: {error.message}", err=True)
            failed = True
            continue
        progress.finish(outcome.commits_seen)
        if not outcome.tips:
            click.echo(f"{source}: the repository has no commits yet", err=True)
            continue
        collected.extend(sink.commits.values())
        for branch in outcome.branches_missing if outcome.tips else ():
            click.echo(f"{source}: branch {branch!r} does not exist, skipped", err=True)
    summary = summarize(collected)
    click.echo(json.dumps(summary.to_json(), indent=2) if as_json else _format_summary(summary))
    if failed:
        sys.exit(1)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
def serve_command(host: str, port: int) -> None:
    """Run the web app locally, with the embedded database unless MONGODB_URI is set."""
    from werkzeug.serving import run_simple

    from app import create_app
    from app.storage.database import DatabaseUnavailable
    from app.storage.embedded import EmbeddedMongoError
    from app.web.auth import is_loopback

    # Local sign-in only on loopback, and never beside a configured GitHub login.
    local = (is_loopback(host) or host == "localhost") and not os.environ.get(
        "GITHUB_OAUTH_CLIENT_ID")
    try:
        app = create_app({
            "LOCAL_SIGNIN": local,
            # Plain http is only acceptable on this machine's loopback interface.
            "SESSION_COOKIE_SECURE": not local,
        })
    except EmbeddedMongoError as error:
        raise click.ClickException(
            "the embedded database could not start. Is another `commitstats serve` running "
            "on this instance folder? Stop it, or set MONGODB_URI.\n" + str(error).splitlines()[0]
        ) from error
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Commit Stats on http://{host}:{port}/  (Ctrl+C stops it)", err=True)
    run_simple(host, port, app, threaded=True, use_reloader=False)


def _operator_app() -> Flask:
    from app import create_app
    from app.storage.database import DatabaseUnavailable
    from app.storage.embedded import EmbeddedMongoError

    try:
        # Join the database of a running local server instead of starting another.
        return create_app({"COLLECTOR_ENABLED": False, "JOIN_RUNNING_EMBEDDED": True})
    except EmbeddedMongoError as error:
        raise click.ClickException(
            "could not open the embedded database: it is held by another process that did not "
            "publish its address (restart that server), or it failed to start:\n" + str(error)
        ) from error
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from None


@main.command("status")
def status_command() -> None:
    """Show the scheduler's leader, the queue and failing repositories."""
    from app.storage.repositories import RepositoryStore

    app = _operator_app()
    db = app.extensions["db"]
    lease = db.locks.find_one({"_id": "scheduler"}) or {}
    last_pass = db.scheduler_status.find_one({"_id": "last_pass"}) or {}
    counts = RepositoryStore(db).counts_by_state()
    click.echo(f"leader        {lease.get('owner') or '(none)'}  fence {lease.get('fence', 0)}")
    if last_pass:
        age = time.time() - last_pass["at"]
        click.echo(f"last pass     {age:,.0f} s ago, took {last_pass['seconds'] * 1000:.0f} ms, "
                   f"queued {last_pass['queued']}")
    else:
        click.echo("last pass     (never)")
    click.echo("repositories  " + ", ".join(f"{state} {n}" for state, n in counts.items()))
    for record in db.repositories.find({"state": {"$in": ["cloning", "collecting"]}}):
        click.echo(f"  running  {record['_id']}  {record['name']}  by {record.get('claimed_by')}")
    for record in db.repositories.find({"state": "error"}).limit(20):
        click.echo(f"  failed   {record['_id']}  {record['name']}: {record.get('error_message')}")


@main.command("collect-now")
@click.option("--user", "username", help="Queue every repository of this user.")
@click.option("--repository", "repo_id", help="Queue this repository (its id).")
def collect_now_command(username: str | None, repo_id: str | None) -> None:
    """Queue a user's or one repository's collection now, ahead of the schedule."""
    from bson import ObjectId
    from bson.errors import InvalidId

    from app.storage.repositories import RepositoryStore
    from app.storage.users import UserStore

    if bool(username) == bool(repo_id):
        raise click.UsageError("give exactly one of --user or --repository")
    app = _operator_app()
    db = app.extensions["db"]
    if username:
        user = UserStore(db).by_username(username)
        if user is None:
            raise click.ClickException(f"no user called {username!r}")
        query: dict = {"user_id": user.id}
    else:
        try:
            query = {"_id": ObjectId(repo_id)}
        except InvalidId as error:
            raise click.ClickException(f"{repo_id!r} is not a repository id") from error
    queued = RepositoryStore(db).queue(query)
    click.echo(f"queued {queued} repositor{'y' if queued == 1 else 'ies'} "
               "(repositories already queued or running are left as they are)")


@main.command("rotate-token-keys")
@click.option("--to-kms-key", "kms_key_id", help="Wrap every token under this KMS key "
              "(omit to move them under the local key file).")
def rotate_token_keys_command(kms_key_id: str | None) -> None:
    """Re-wrap every stored access token under a new key, losing none.

    Afterwards set KMS_KEY_ID to the new key (or unset it) and restart."""
    from app.crypto import key_provider_from_config
    from app.crypto.rotation import RotationError, rewrap_all
    from app.storage.connections import encryption_context

    app = _operator_app()
    old = key_provider_from_config(app.config)
    new = key_provider_from_config({**app.config, "KMS_KEY_ID": kms_key_id})
    try:
        count = rewrap_all(app.extensions["db"].connections, "token",
                           lambda doc: encryption_context(doc["user_id"], doc["kind"], doc["_id"]),
                           old, new)
    except RotationError as error:
        raise click.ClickException(
            f"{error.rewrapped} tokens re-wrapped, but {len(error.failed)} could not be "
            f"(left unchanged): {', '.join(map(str, error.failed))}") from error
    click.echo(f"{count} tokens re-wrapped under {new.key_id}. Now set KMS_KEY_ID "
               f"{'to ' + kms_key_id if kms_key_id else 'to nothing'} and restart the app.")
