"""Connecting providers with tokens: verified, encrypted, listed, picked, used to clone."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.storage.connections import ConnectionStore
from app.storage.repositories import RepositoryStore, State
from tests.conftest import LocalUser
from tests.git_http_server import git_http_server
from tests.gitrepos import RepoBuilder
from tests.standins import github as github_standin
from tests.standins import serve

ME = "me@example.com"


@pytest.fixture
def standin() -> Iterator[tuple[str, github_standin.GitHubState]]:
    state = github_standin.GitHubState()
    with serve(github_standin.create_app(state)) as base:
        yield base, state


@pytest.fixture
def testing_hosts(app: Flask) -> Flask:
    app.config["ALLOW_INTERNAL_GIT_HOSTS"] = True
    return app


def connect(user: LocalUser, base: str, token: str) -> str:
    """Connect GitHub at `base`; the page that answers, with its message."""
    response = user.post("/connections/", kind="github", server=base, token=token)
    if response.status_code == 302:
        return user.get(response.headers["Location"]).get_data(as_text=True)
    return response.get_data(as_text=True)


def database_dump(app: Flask) -> str:
    db = app.extensions["db"]
    return repr([list(db[name].find()) for name in db.list_collection_names()])


def test_a_valid_token_is_verified_and_stored_encrypted(
    testing_hosts: Flask, local_user: LocalUser, client: FlaskClient, standin: tuple
) -> None:
    base, state = standin
    connect(local_user, base, state.token)
    page = client.get("/connections/").get_data(as_text=True)
    assert "octocat" in page and "…7890" in page and "repo, read:user" in page
    assert "2031-05-01" in page
    assert state.token not in page
    assert state.token not in database_dump(testing_hosts)
    [connection] = ConnectionStore(testing_hosts.extensions["db"]).for_user("local")
    assert testing_hosts.extensions["connections"].token(connection) == state.token


def test_a_rejected_token_is_not_stored_and_the_error_says_why(
    testing_hosts: Flask, local_user: LocalUser, client: FlaskClient, standin: tuple
) -> None:
    base, _ = standin
    page = connect(local_user, base, "ghp_wrong_token_000000000000")
    assert "rejected" in page and "ghp_wrong_token" not in page
    # The form keeps what was typed, but the token.
    assert f'value="{base}"' in page
    assert ConnectionStore(testing_hosts.extensions["db"]).for_user("local") == []


def test_a_token_without_the_repo_scope_is_refused_naming_the_scope(
    testing_hosts: Flask, local_user: LocalUser, client: FlaskClient, standin: tuple
) -> None:
    base, state = standin
    state.scopes = ["read:user"]
    assert "repo" in connect(local_user, base, state.token)
    assert ConnectionStore(testing_hosts.extensions["db"]).for_user("local") == []


def test_every_page_of_repositories_is_listed_and_can_be_searched(
    testing_hosts: Flask, local_user: LocalUser, client: FlaskClient, standin: tuple
) -> None:
    base, state = standin
    connect(local_user, base, state.token)
    [connection] = ConnectionStore(testing_hosts.extensions["db"]).for_user("local")
    page = client.get(f"/connections/{connection.id}/repositories").get_data(as_text=True)
    assert page.count('<tr class=') == 250
    found = client.get(f"/connections/{connection.id}/repositories?q=project-12&filter=public",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert found.lstrip().startswith('<div id="repository-rows">')
    assert found.count('<tr class=') == 2  # project-120 and project-125 are public


def test_picking_a_repository_queues_it_and_marks_open_source(
    testing_hosts: Flask, local_user: LocalUser, client: FlaskClient, standin: tuple
) -> None:
    base, state = standin
    connect(local_user, base, state.token)
    [connection] = ConnectionStore(testing_hosts.extensions["db"]).for_user("local")
    client.get(f"/connections/{connection.id}/repositories")
    url = "https://github.com/octo-org/project-000.git"  # public, someone else's
    row = local_user.post(f"/connections/{connection.id}/repositories/toggle", clone_url=url)
    assert "Stop collecting" in row.get_data(as_text=True)
    [record] = RepositoryStore(testing_hosts.extensions["db"]).for_user("local")
    assert record.state is State.QUEUED and record.open_source
    assert record.connection_id == str(connection.id)
    local_user.post(f"/connections/{connection.id}/repositories/toggle", clone_url=url)
    assert RepositoryStore(testing_hosts.extensions["db"]).for_user("local") == []


def served_repository(tmp_path: Path) -> Path:
    work = RepoBuilder(tmp_path / "work")
    work.lines("app.py", 7)
    work.commit(email=ME)
    root = tmp_path / "served"
    root.mkdir()
    subprocess.run(["git", "clone", "--quiet", "--bare", str(work.path),
                    str(root / "project.git")], check=True)
    return root


def test_collection_clones_with_the_connections_token_and_reports_a_rejected_one(
    testing_hosts: Flask, local_user: LocalUser, client: FlaskClient, standin: tuple,
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    base, state = standin
    local_user.add_email(ME)
    connect(local_user, base, state.token)
    db = testing_hosts.extensions["db"]
    [connection] = ConnectionStore(db).for_user("local")
    with git_http_server(served_repository(tmp_path), state.token) as git_base:
        repo_id = RepositoryStore(db).add("local", f"{git_base}/project.git",
                                          connection_id=str(connection.id))
        local_user.run_collection()
        assert RepositoryStore(db).get(repo_id).commit_count == 1

        # A new token the API accepts but the git host does not (e.g. without
        # access to that repository): the collection says what to do.
        state.token = "ghp_second_token_without_repo_access"
        local_user.post("/connections/", connection=str(connection.id), token=state.token)
        local_user.run_collection()
    record = RepositoryStore(db).get(repo_id)
    assert (record.state, record.error_code) == (State.ERROR, "token_rejected")
    page = client.get("/connections/").get_data(as_text=True)
    assert "token rejected: replace the token" in page
    output = capfd.readouterr()
    data = Path(testing_hosts.config["DATA_DIR"])
    for secret in ("ghp_standin_token_1234567890", state.token):
        assert secret not in caplog.text + output.out + output.err
        assert secret not in database_dump(testing_hosts)
        assert not any(secret.encode() in p.read_bytes() for p in data.rglob("*") if p.is_file())


def test_rotating_keys_moves_every_token_under_kms_and_keeps_it_readable(
    testing_hosts: Flask, local_user: LocalUser, standin: tuple, mongo_uri: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3
    from click.testing import CliRunner
    from moto import mock_aws

    from app.cli import main as cli
    from app.crypto.envelope import TokenCipher
    from app.crypto.keys import KmsKeyProvider

    base, state = standin
    connect(local_user, base, state.token)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1", "MONGODB_URI": mongo_uri,
                        "MONGODB_DATABASE": testing_hosts.config["MONGODB_DATABASE"]}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        key_id = boto3.client("kms", region_name="eu-west-1").create_key()["KeyMetadata"]["KeyId"]
        result = CliRunner().invoke(cli, ["rotate-token-keys", "--to-kms-key", key_id])
        assert result.exit_code == 0, result.output
        assert "1 tokens re-wrapped" in result.output
        [connection] = ConnectionStore(testing_hosts.extensions["db"]).for_user("local")
        kms = TokenCipher(KmsKeyProvider(key_id, region="eu-west-1"))
        assert kms.decrypt(connection.token, connection.encryption_context()) == state.token
        # The app, still configured with the local key, reads it too: mid-rotation.
        assert testing_hosts.extensions["connections"].token(connection) == state.token


@pytest.mark.parametrize("server", [
    "https://admin:hunter2secret@ghe.example.com/api/v3",
    "admin:hunter2secret@ghe.example.com/api/v3",
    "gitlab.example.com?private_token=hunter2secret",
])
def test_a_server_address_with_credentials_is_refused_and_not_shown_back(
    local_user: LocalUser, server: str
) -> None:
    page = connect(local_user, server, "ghp_x")
    assert "without a user name, password or query string" in page
    assert "hunter2secret" not in page
