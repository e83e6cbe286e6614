"""Signing in with GitHub through the real OAuth dance, against a local GitHub stand-in."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, jsonify, redirect, request
from flask.typing import ResponseReturnValue

from app import create_app
from tests.live_server import live_server

ACCESS_TOKEN = "gho_StandInAccessToken000000000000"


def github_stand_in() -> Flask:
    """The three endpoints of GitHub's web application flow that the sign-in uses."""
    standin = Flask("github-stand-in")

    @standin.get("/login/oauth/authorize")
    def authorize() -> ResponseReturnValue:
        target = request.args["redirect_uri"]
        return redirect(f"{target}?code=the-code&state={request.args['state']}")

    @standin.post("/login/oauth/access_token")
    def access_token() -> ResponseReturnValue:
        # GitHub takes the client secret in the form or as Basic auth.
        secret = request.form.get("client_secret") or (request.authorization or {}).get(
            "password")
        if request.form.get("code") != "the-code" or secret != "s3":
            return jsonify(error="bad_verification_code"), 200
        return jsonify(access_token=ACCESS_TOKEN, token_type="bearer", scope="read:user")

    @standin.get("/user")
    def user() -> ResponseReturnValue:
        if request.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return jsonify(message="Bad credentials"), 401
        return jsonify(id=583231, login="octocat", name="The Octocat",
                       avatar_url="https://avatars.githubusercontent.com/u/583231")

    return standin


@pytest.fixture
def github_app(mongo_uri: str, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    # The stand-in speaks plain http on loopback; oauthlib insists on https otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    database = f"test_github_{uuid.uuid4().hex[:8]}"
    with live_server(github_stand_in()) as base:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "t", "MONGODB_URI": mongo_uri,
            "MONGODB_DATABASE": database, "DATA_DIR": str(tmp_path / "data"),
            "COLLECTOR_ENABLED": False, "SESSION_COOKIE_SECURE": False,
            "GITHUB_OAUTH_CLIENT_ID": "client-1", "GITHUB_OAUTH_CLIENT_SECRET": "s3",
            "GITHUB_WEB_URL": base, "GITHUB_API_URL": base,
        })
        yield app
        app.extensions["db"].client.drop_database(database)


def test_signing_in_with_github_creates_the_user_and_renews_the_session(
    github_app: Flask
) -> None:
    client = github_app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    start = client.get("/login/github")
    authorize = urlsplit(start.location)
    assert authorize.path == "/login/oauth/authorize"
    state = parse_qs(authorize.query)["state"][0]

    finish = client.get(f"/login/github/authorized?code=the-code&state={state}")

    assert finish.status_code == 302 and finish.location.endswith("/repositories/")
    with client.session_transaction() as session:
        assert session["user_id"] == "github:583231"
        assert "planted" not in session
        assert ACCESS_TOKEN not in str(dict(session))
    page = client.get("/repositories/").get_data(as_text=True)
    assert "octocat" in page and ACCESS_TOKEN not in page
    assert client.get("/cv/octocat").status_code == 200


def test_a_refused_authorization_returns_to_sign_in_with_an_explanation(
    github_app: Flask
) -> None:
    client = github_app.test_client()
    client.get("/login/github")
    answer = client.get("/login/github/authorized?error=access_denied", follow_redirects=True)
    assert "cancelled or refused" in answer.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "user_id" not in session


def test_local_sign_in_is_not_offered_beside_github(github_app: Flask) -> None:
    page = github_app.test_client().get("/sign-in").get_data(as_text=True)
    assert "Sign in with GitHub" in page and "Continue as local user" not in page
