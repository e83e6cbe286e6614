"""The pages a local user goes through: sign in, emails, repositories, CV."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from app.cli import main as cli
from app.web.auth import local_signin_allowed
from tests.conftest import LocalUser
from tests.gitrepos import RepoBuilder

ME = "me@example.com"


def sample_repository(path: Path) -> RepoBuilder:
    repo = RepoBuilder(path)
    repo.lines("app/main.py", 40)
    repo.commit("feat: start", email=ME)
    repo.lines("web/index.ts", 25)
    repo.commit("feat: web", email=ME, when=1_700_700_000)
    repo.lines("package-lock.json", 500)
    repo.lines("app/main.py", 30)
    repo.commit("fix: trim", email=ME, when=1_701_500_000)
    repo.lines("other.py", 9)
    repo.commit(email="colleague@example.com")
    return repo


def test_local_sign_in_is_refused_unless_enabled(app: Flask, client: FlaskClient) -> None:
    app.config["LOCAL_SIGNIN"] = False
    with client.session_transaction() as session:
        session["csrf_token"] = "t"
    response = client.post("/sign-in/local", data={"csrf_token": "t"})
    assert response.status_code == 403


def test_local_sign_in_is_refused_from_a_non_loopback_address(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["csrf_token"] = "t"
    response = client.post("/sign-in/local", data={"csrf_token": "t"},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 403


def test_a_form_without_the_csrf_token_is_rejected(local_user: LocalUser,
                                                    client: FlaskClient) -> None:
    response = client.post("/settings/emails", data={"email": ME})
    assert response.status_code == 400
    assert b"reload the page" in response.data


def test_pages_need_a_signed_in_user(client: FlaskClient) -> None:
    response = client.get("/repositories/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_an_invalid_email_is_refused_with_an_explanation(local_user: LocalUser,
                                                          client: FlaskClient) -> None:
    local_user.post("/settings/emails", email="not an email")
    page = client.get("/settings/emails").get_data(as_text=True)
    assert "is not an email address" in page


def test_adding_a_path_that_is_not_a_repository_explains_why(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    response = local_user.add_repository(str(tmp_path))
    assert response.status_code == 400
    assert "is not a git repository" in response.get_data(as_text=True)
    assert local_user.run_collection() == 0


def test_repository_status_fragment_polls_until_collection_is_done(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_email(ME)
    local_user.add_repository(str(repo.path))
    queued = client.get("/repositories/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert queued.lstrip().startswith('<div id="repository-list"')
    assert 'hx-trigger="every 2s"' in queued and "Queued" in queued
    local_user.run_collection()
    done = client.get("/repositories/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in done and "Done" in done
    assert '<td class="num" data-label="Your commits">3</td>' in done


def test_a_broken_repository_shows_an_error_and_others_still_collect(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    good = sample_repository(tmp_path / "good")
    doomed = sample_repository(tmp_path / "doomed")
    local_user.add_email(ME)
    local_user.add_repository(str(doomed.path))
    local_user.add_repository(str(good.path))
    shutil.rmtree(doomed.path)
    assert local_user.run_collection() == 2
    page = client.get("/repositories/").get_data(as_text=True)
    assert "No repository was found at this address" in page
    assert '<td class="num" data-label="Your commits">3</td>' in page
    # The list keeps watching, slowly, so the retry shows without a reload.
    assert 'hx-trigger="every 30s"' in page


def test_cv_shows_the_same_numbers_as_the_command_line(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_email(ME)
    local_user.add_repository(str(repo.path))
    local_user.run_collection()
    cli_output = CliRunner().invoke(cli, ["collect", str(repo.path), "--email", ME, "--json"])
    numbers = json.loads(cli_output.stdout)
    page = client.get("/cv/me").get_data(as_text=True)
    assert f'data-stat="commits">{numbers["commits"]}<' in page
    assert f'data-stat="lines_added">+{numbers["lines_added"]:,}<' in page
    minus = "\N{MINUS SIGN}"
    assert f'data-stat="lines_removed">{minus}{numbers["lines_removed"]:,}<' in page
    assert numbers["excluded"]["lockfile"]["lines_added"] == 500
    for chart in ("chart-commits", "chart-languages-time", "chart-language-share"):
        assert f"Highcharts.chart('{chart}'" in page


def test_new_commits_are_picked_up_by_the_next_collection(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_email(ME)
    local_user.add_repository(str(repo.path))
    local_user.run_collection()
    repo.lines("more.py", 12)
    repo.commit(email=ME)
    [record_id] = [line.split('"')[1].removeprefix("repo-") for line in
                   client.get("/repositories/").get_data(as_text=True).splitlines()
                   if 'id="repo-' in line]
    local_user.post(f"/repositories/{record_id}/collect")
    local_user.run_collection()
    assert 'data-stat="commits">4<' in client.get("/cv/me").get_data(as_text=True)


def test_removing_a_repository_removes_its_numbers_from_the_cv(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_email(ME)
    local_user.add_repository(str(repo.path))
    local_user.run_collection()
    page = client.get("/repositories/").get_data(as_text=True)
    record_id = page.split('id="repo-')[1].split('"')[0]
    local_user.post(f"/repositories/{record_id}/delete")
    assert "No commits collected yet" in client.get("/cv/me").get_data(as_text=True)


def test_unknown_cv_is_not_found(client: FlaskClient) -> None:
    assert client.get("/cv/nobody").status_code == 404


def test_pages_refuse_to_be_framed(client: FlaskClient) -> None:
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_fragment_request_after_the_session_ended_redirects_the_whole_page(
    client: FlaskClient
) -> None:
    response = client.get("/repositories/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/sign-in")


@pytest.mark.parametrize(("host", "allowed"), [
    ("localhost:5000", True), ("127.0.0.1:5000", True), ("[::1]:5000", True),
    # A page on evil.example that rebinds its name to 127.0.0.1 sends this Host.
    ("evil.example:5000", False), ("localhost.evil.example", False),
])
def test_local_sign_in_needs_a_loopback_host_name(app: Flask, host: str, allowed: bool) -> None:
    with app.test_request_context("/sign-in", headers={"Host": host},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert local_signin_allowed() is allowed


def test_file_urls_are_local_paths_and_relative_paths_are_refused(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_repository(f"file://{repo.path}")
    page = local_user.add_repository("relative/project").get_data(as_text=True)
    assert "Enter the full path" in page
    assert 'value="relative/project"' in page
    assert page.count('id="repo-') == 1


def test_adding_a_repository_again_adds_its_new_branches(
    local_user: LocalUser, client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_repository(str(repo.path))
    local_user.add_repository(str(repo.path), branches="develop, release")
    local_user.add_repository(str(repo.path / ".git"))
    [record] = app.extensions["db"].repositories.find()
    assert record["branches"] == ["develop", "release"]
    page = client.get("/repositories/").get_data(as_text=True)
    assert "already on your list: its new branches are being collected" in page


def test_a_branch_that_does_not_exist_is_pointed_out_after_collection(
    local_user: LocalUser, client: FlaskClient, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_email(ME)
    local_user.add_repository(str(repo.path), branches="nope")
    local_user.run_collection()
    page = client.get("/repositories/").get_data(as_text=True)
    assert "Not found, so not collected:" in page and "nope" in page
    assert '<td class="num" data-label="Your commits">3</td>' in page


def test_cv_addresses_ignore_case(local_user: LocalUser, client: FlaskClient) -> None:
    assert client.get("/cv/ME").status_code == 200


def test_error_pages_keep_the_product_look(client: FlaskClient) -> None:
    page = client.get("/cv/nobody").get_data(as_text=True)
    assert "Commit Stats" in page and "No public CV for" in page


@pytest.mark.parametrize("url", [
    "https://user:hunter2secret@example.com/org/repo.git",
    "https://hunter2secret@github.com/org/repo.git",
    "https://github.com/org/repo.git?access_token=hunter2secret",
    "user:hunter2secret@github.com:org/repo.git",
])
def test_a_url_with_credentials_is_refused_and_never_shown_back(
    local_user: LocalUser, client: FlaskClient, app: Flask, url: str
) -> None:
    response = local_user.add_repository(url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "has a user name, password or query string in it" in page
    assert "hunter2secret" not in page
    assert "hunter2secret" not in (response.headers.get("Location") or "")
    assert app.extensions["db"].repositories.count_documents({}) == 0


def test_the_command_line_refuses_a_url_with_credentials_without_printing_it(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(cli, [
        "collect", "https://user:hunter2secret@example.com/org/repo.git",
        "--email", ME, "--cache", str(tmp_path),
    ])
    assert result.exit_code == 1
    assert "user name, password or query string" in result.output
    assert "hunter2secret" not in result.output


def test_the_command_line_server_explains_an_unreachable_database_without_its_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("MONGODB_URI", "mongodb://admin:hunter2secret@127.0.0.1:1/"
                                      "?serverSelectionTimeoutMS=300")
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "MongoDB did not answer" in result.output
    assert "hunter2secret" not in result.output


@pytest.mark.parametrize("branches", [
    "two words", "x..y", "-rf", "HEAD", ",".join(f"b{n}" for n in range(21)),
])
def test_branch_names_git_would_refuse_are_refused_with_advice(
    local_user: LocalUser, app: Flask, tmp_path: Path, branches: str
) -> None:
    repo = sample_repository(tmp_path / "project")
    response = local_user.add_repository(str(repo.path), branches=branches)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a branch name git accepts" in page or "at most 20 branches" in page
    assert app.extensions["db"].repositories.count_documents({}) == 0


def test_branches_added_in_steps_stay_within_the_limit(
    local_user: LocalUser, app: Flask, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_repository(str(repo.path), branches=",".join(f"b{n}" for n in range(20)))
    response = local_user.add_repository(str(repo.path), branches="one-more")
    assert response.status_code == 400 and "more than 20 extra branches" in response.get_data(
        as_text=True)
    [record] = app.extensions["db"].repositories.find()
    assert len(record["branches"]) == 20


def test_extra_branches_can_be_replaced_and_removed(
    local_user: LocalUser, app: Flask, tmp_path: Path
) -> None:
    repo = sample_repository(tmp_path / "project")
    local_user.add_repository(str(repo.path), branches="develop, release")
    [record] = app.extensions["db"].repositories.find()
    local_user.post(f"/repositories/{record['_id']}/branches", branches="release")
    assert app.extensions["db"].repositories.find_one()["branches"] == ["release"]
    local_user.post(f"/repositories/{record['_id']}/branches", branches="")
    assert app.extensions["db"].repositories.find_one()["branches"] == []
    refused = local_user.post(f"/repositories/{record['_id']}/branches", branches="a b")
    assert refused.status_code == 400
