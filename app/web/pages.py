"""The home page and the user's own settings (author emails)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.emails import is_email
from app.scheduling.runner import job, notify_queued
from app.storage.database import get_db
from app.storage.repositories import RepositoryStore
from app.storage.summaries import SummaryStore
from app.storage.users import UserStore
from app.web.auth import login_required

blueprint = Blueprint("pages", __name__)




@blueprint.get("/")
def home() -> Any:
    if g.user is not None:
        return redirect(url_for("repositories.index"))
    return render_template("home.html")


@blueprint.get("/settings/emails")
@login_required
def emails() -> str:
    return render_template("emails.html")


@blueprint.post("/settings/emails")
@login_required
def update_emails() -> Any:
    current = list(g.user.emails)
    if "remove" in request.form:
        current = [email for email in current if email != request.form["remove"]]
    else:
        email = request.form.get("email", "").strip().lower()
        if not is_email(email):
            flash(f"“{email[:80]}” is not an email address: enter it as it appears in your "
                  "commits, e.g. jane@example.com.", "error")
            return redirect(url_for("pages.emails"))
        if email not in current:
            current.append(email)
    if current == g.user.emails:
        return redirect(url_for("pages.emails"))
    UserStore(get_db()).set_emails(g.user.id, current)
    # Other emails select other commits: collect everything again.
    if RepositoryStore(get_db()).queue({"user_id": g.user.id}):
        notify_queued()
    return redirect(url_for("pages.emails"))


@blueprint.get("/settings/privacy")
@login_required
def privacy() -> str:
    summary = SummaryStore(get_db()).get(g.user.id)
    shown = [name for name, _ in summary.languages_by_lines()] if summary else []
    languages = sorted({*shown, *g.user.hidden_languages}, key=str.casefold)
    return render_template("privacy.html", languages=languages)


@blueprint.post("/settings/privacy")
@login_required
def update_privacy() -> Any:
    UserStore(get_db()).set_privacy(
        g.user.id, public=request.form.get("public") == "on",
        hidden_languages=sorted(set(request.form.getlist("hidden_language"))),
    )
    # Privacy is applied to stored numbers: no repository is collected again.
    job().refresh_summary(g.user.id)
    flash("Privacy settings saved.", "info")
    return redirect(url_for("pages.privacy"))
