"""Cloning with a token: through the environment only, never stored or shown."""

from __future__ import annotations

import base64
import logging
import subprocess
from pathlib import Path

import git
import pytest

from app.collector.clone_policy import check_clone_url
from app.collector.credentials import authorization_setting, git_config_environment
from app.collector.errors import RepositoryError, error_from_git
from app.collector.mirror import Mirror
from tests.git_http_server import git_http_server
from tests.gitrepos import RepoBuilder

TOKEN = "ghp_TestTokenValue1234567890abcdef"


def token_environment(token: str) -> dict[str, str]:
    credential = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return git_config_environment([authorization_setting(f"Basic {credential}")])


@pytest.fixture
def served(tmp_path: Path) -> Path:
    source = RepoBuilder(tmp_path / "work")
    source.lines("a.py", 3)
    source.commit(email="me@example.com")
    root = tmp_path / "served"
    root.mkdir()
    subprocess.run(["git", "clone", "--quiet", "--bare", str(source.path),
                    str(root / "project.git")], check=True)
    return root


def everything_written(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_the_right_token_clones_and_is_stored_nowhere(
    served: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    arguments: list[str] = []
    original = git.Git.execute

    def recording(self: git.Git, command: list, *args: object, **kwargs: object) -> object:
        arguments.extend(map(str, command))
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(git.Git, "execute", recording)
    caplog.set_level(logging.DEBUG)
    data = tmp_path / "data"
    with git_http_server(served, TOKEN) as base:
        repository = Mirror(f"{base}/project.git", data / "m.git",
                            token_environment(TOKEN)).update()
        assert repository.branch_tips(["main"])
        Mirror(f"{base}/project.git", data / "m.git", token_environment(TOKEN)).update()
    output = capfd.readouterr()
    assert TOKEN not in " ".join(arguments)
    assert TOKEN.encode() not in everything_written(data)
    assert TOKEN not in caplog.text + output.out + output.err
    assert "extraheader" not in (data / "m.git" / "config").read_text().lower()


def test_a_wrong_token_is_rejected_with_a_clear_state_and_leaks_nothing(
    served: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "ghp_WrongTokenValue000000000000000"
    with git_http_server(served, TOKEN) as base, pytest.raises(RepositoryError) as raised:
        Mirror(f"{base}/project.git", tmp_path / "m.git", token_environment(wrong)).update()
    assert raised.value.code == "token_rejected"
    assert "replace the access token" in raised.value.message
    for text in (str(raised.value), repr(raised.value), caplog.text):
        assert wrong not in text and TOKEN not in text
    assert not (tmp_path / "m.git").exists()


@pytest.mark.parametrize(("url", "reason"), [
    ("http://github.com/o/r.git", "Only https://"),
    ("file:///etc", "Only https://"),
    ("https://user:secret@github.com/o/r.git", "credentials"),
    ("https://evil.example/o/r.git", "not a git host"),
    ("https://localhost/o/r.git", "not a git host"),
])
def test_server_mode_clones_only_https_urls_on_provider_hosts(url: str, reason: str) -> None:
    with pytest.raises(RepositoryError) as raised:
        check_clone_url(url, {"github.com"})
    assert raised.value.code == "url_refused" and reason in raised.value.message


def test_a_provider_host_resolving_to_an_internal_address_is_refused() -> None:
    with pytest.raises(RepositoryError) as raised:
        check_clone_url("https://localhost/o/r.git", {"localhost"})
    assert "internal address" in raised.value.message


@pytest.mark.parametrize("status", [429, 503])
def test_a_rate_limited_or_unavailable_host_is_retried_later_not_blamed_on_the_token(
    tmp_path: Path, status: int
) -> None:
    from flask import Flask

    from tests.live_server import live_server

    down = Flask("down")
    down.add_url_rule("/<path:anything>", "down", lambda anything: ("busy", status,
                                                                     {"Retry-After": "60"}))
    with live_server(down) as base, pytest.raises(RepositoryError) as raised:
        Mirror(f"{base}/project.git", tmp_path / "m.git", token_environment(TOKEN)).update()
    assert raised.value.code == "remote_unreachable"


@pytest.mark.parametrize(("stderr", "code"), [
    ("fatal: unable to access 'http://127.0.0.1:40317/p.git/': The requested URL returned "
     "error: 503", "remote_unreachable"),
    ("fatal: unable to access 'http://127.0.0.1:51401/p.git/': The requested URL returned "
     "error: 403", "token_rejected"),
    ("fatal: Authentication failed for 'https://git.example.com/p.git/'", "token_rejected"),
])
def test_git_failures_are_read_from_their_message_not_from_numbers_in_the_address(
    stderr: str, code: str
) -> None:
    failure = git.GitCommandError(["git", "fetch"], 128, stderr=stderr)
    assert error_from_git(failure).code == code
