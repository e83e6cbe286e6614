"""Identities and the exclusion audit: what counts as the user's work, and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import LocalUser
from tests.gitrepos import RepoBuilder

ME = "me@example.com"


@pytest.fixture
def project(local_user: LocalUser, tmp_path: Path) -> RepoBuilder:
    repo = RepoBuilder(tmp_path / "project")
    repo.lines("src/app.py", 10)
    repo.lines("package-lock.json", 400)
    repo.commit(email=ME)
    repo.lines("legacy/old.py", 25)
    repo.commit(email="ME@old-laptop.local")
    repo.lines("src/other.py", 5)
    repo.commit(email="colleague@example.com")
    local_user.add_email(ME)
    local_user.add_repository(str(repo.path))
    local_user.run_collection()
    return repo


def api(client: FlaskClient) -> dict:
    return client.get("/api/v1/users/me/stats").get_json()


def test_identities_lists_every_author_and_what_no_claim_covers(
    project: RepoBuilder, client: FlaskClient
) -> None:
    page = client.get("/settings/identities").get_data(as_text=True)
    for email in (ME, "me@old-laptop.local", "colleague@example.com"):
        assert email in page
    assert "<strong>2</strong> commits in your repositories are covered by no claimed" in page


def test_identities_can_be_searched_and_list_mine_first(
    project: RepoBuilder, client: FlaskClient
) -> None:
    page = client.get("/settings/identities?q=LAPTOP").get_data(as_text=True)
    assert "me@old-laptop.local" in page and "colleague@example.com" not in page
    everyone = client.get("/settings/identities").get_data(as_text=True)
    assert everyone.index(ME) < everyone.index("colleague@example.com")


def test_claiming_an_identity_counts_its_commits(
    project: RepoBuilder, local_user: LocalUser, client: FlaskClient
) -> None:
    local_user.post("/settings/identities", email="me@old-laptop.local", action="claim")
    local_user.run_collection()
    assert api(client)["commits"] == 2
    local_user.post("/settings/identities", email="me@old-laptop.local", action="unclaim")
    local_user.run_collection()
    assert api(client)["commits"] == 1


def test_the_audit_names_each_file_left_out_and_why(
    project: RepoBuilder, client: FlaskClient
) -> None:
    page = client.get("/settings/exclusions").get_data(as_text=True)
    assert "package-lock.json" in page and "lockfile" in page and "+400" in page


def test_own_rules_leave_out_or_count_paths(
    project: RepoBuilder, local_user: LocalUser, client: FlaskClient
) -> None:
    local_user.post("/settings/identities", email="me@old-laptop.local", action="claim")
    local_user.post("/settings/exclusions", pattern="legacy/**", action="exclude")
    local_user.post("/settings/exclusions", pattern="package-lock.json", action="include")
    local_user.run_collection()
    numbers = api(client)
    assert numbers["excluded"] == {"user rule": {"lines_added": 25, "lines_removed": 0}}
    assert numbers["lines_added"] == 410
    local_user.post("/settings/exclusions", remove="0")
    local_user.run_collection()
    assert api(client)["lines_added"] == 435


def test_an_empty_pattern_is_refused_with_advice(local_user: LocalUser) -> None:
    response = local_user.post("/settings/exclusions", pattern=" ", action="exclude")
    assert "Enter a path pattern" in response.get_data(as_text=True)


@pytest.mark.parametrize(("pattern", "advice"), [
    ("/", "Enter a path pattern"),
    ("!vendor/**", "Count anyway"),
    ("docs\\generated", "Separate folders with /"),
    ("src/[ab.py", "needs its ]"),
    ("../../etc", "cannot lead out of it"),
])
def test_a_pattern_that_cannot_mean_anything_is_refused_with_advice(
    local_user: LocalUser, client: FlaskClient, pattern: str, advice: str
) -> None:
    response = local_user.post("/settings/exclusions", pattern=pattern, action="exclude")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and advice in page
    assert "No rules of your own" in page
