"""What counts as the user's work: author identities and the exclusion audit."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from app.emails import is_email
from app.scheduling.runner import notify_queued
from app.storage.database import get_db
from app.storage.repositories import RepositoryStore
from app.storage.summaries import SummaryStore
from app.storage.users import UserStore
from app.web.auth import login_required

blueprint = Blueprint("audit", __name__, url_prefix="/settings")

MAX_RULES = 50
SHOWN_AUTHORS = 100
MAX_PATTERN_LENGTH = 300


def _collect_again() -> None:
    if RepositoryStore(get_db()).queue({"user_id": g.user.id}):
        notify_queued()


@blueprint.get("/identities")
@login_required
def identities() -> str:
    authors: Counter[str] = Counter()
    for record in RepositoryStore(get_db()).for_user(g.user.id):
        for email, count in record.authors:
            authors[email] += count
    claimed = set(g.user.emails)
    unclaimed = sum(count for email, count in authors.items() if email not in claimed)
    search = request.args.get("q", "").strip().lower()[:MAX_PATTERN_LENGTH]
    # Yours first, then the most active: a large project has thousands of authors.
    matching = sorted(((email, count) for email, count in authors.items() if search in email),
                      key=lambda item: (item[0] not in claimed, -item[1], item[0]))
    return render_template("identities.html", authors=matching[:SHOWN_AUTHORS],
                           more=max(0, len(matching) - SHOWN_AUTHORS), search=search,
                           claimed=claimed, unclaimed=unclaimed)


@blueprint.post("/identities")
@login_required
def claim() -> Any:
    email = request.form.get("email", "").strip().lower()
    emails = list(g.user.emails)
    if request.form.get("action") == "unclaim":
        emails = [e for e in emails if e != email]
    elif is_email(email) and email not in emails:
        emails.append(email)
    if emails != g.user.emails:
        UserStore(get_db()).set_emails(g.user.id, emails)
        _collect_again()
        flash("Saved. Your repositories are being collected again with these identities.",
              "info")
    return redirect(url_for("audit.identities"))


def _pattern_problem(pattern: str) -> str | None:
    """What is wrong with a path pattern a user typed, or None."""
    example = "such as docs/generated/** or *.snap"
    if not pattern.strip("/*") or len(pattern) > MAX_PATTERN_LENGTH:
        return f"Enter a path pattern {example} (at most {MAX_PATTERN_LENGTH} characters)."
    if pattern.startswith("!"):
        return "Use “Count anyway” instead of starting the pattern with “!”."
    if "\\" in pattern:
        return f"Separate folders with / (not \\), {example}."
    if ".." in pattern.split("/"):
        return "Patterns start at the repository's root: “..” cannot lead out of it."
    if pattern.count("[") != pattern.count("]"):
        return "A [ in the pattern needs its ]: [abc] matches one of a, b or c."
    return None


@blueprint.get("/exclusions")
@login_required
def exclusions() -> str:
    return _render_exclusions()


def _render_exclusions(typed_pattern: str = "") -> str:
    summary = SummaryStore(get_db()).get(g.user.id)
    files = sorted((summary.excluded_files.items() if summary else []),
                   key=lambda item: -(item[1][1] + item[1][2]))
    return render_template("exclusions.html", summary=summary, files=files[:200],
                           rules=g.user.exclusion_rules, typed_pattern=typed_pattern)


@blueprint.post("/exclusions")
@login_required
def change_rules() -> Any:
    rules = [list(rule) for rule in g.user.exclusion_rules]
    if "remove" in request.form:
        index = request.form.get("remove", type=int)
        if index is not None and 0 <= index < len(rules):
            rules.pop(index)
    else:
        pattern = request.form.get("pattern", "").strip()
        problem = _pattern_problem(pattern) or (
            f"You have {MAX_RULES} rules, the most there can be: remove one first."
            if len(rules) >= MAX_RULES else None)
        if problem:
            flash(problem, "error")
            return _render_exclusions(pattern[:MAX_PATTERN_LENGTH]), 400
        rules.append([pattern, request.form.get("action") == "include"])
    UserStore(get_db()).set_exclusion_rules(g.user.id, rules)
    _collect_again()
    flash("Saved. Your repositories are being collected again with these rules.", "info")
    return redirect(url_for("audit.exclusions"))
