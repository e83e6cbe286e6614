"""Sign in with GitHub (OAuth, through flask-dance).

The OAuth token is used once, to read who signed in, and never stored: the
signal handler answers with its own redirect, which tells flask-dance not to
keep the token (its default storage would put it in the session cookie).
"""

from __future__ import annotations

import logging

import requests
from flask import Flask, Response, flash, redirect, url_for
from flask_dance.consumer import oauth_authorized, oauth_error
from flask_dance.contrib.github import make_github_blueprint
from oauthlib.oauth2 import OAuth2Error

from app.storage.database import get_db
from app.storage.users import UserStore
from app.web.auth import sign_in

log = logging.getLogger(__name__)


def _failed(message: str) -> Response:
    flash(message, "error")
    return redirect(url_for("auth.sign_in_page"))


def init_app(app: Flask) -> None:
    if not app.config.get("GITHUB_OAUTH_CLIENT_ID"):
        return
    # flask-dance logs the client secret at DEBUG level.
    logging.getLogger("flask_dance").setLevel(logging.INFO)
    web_url = app.config["GITHUB_WEB_URL"].rstrip("/")
    api_url = app.config["GITHUB_API_URL"].rstrip("/")
    blueprint = make_github_blueprint(scope="read:user", redirect_to="repositories.index")
    blueprint.authorization_url = f"{web_url}/login/oauth/authorize"
    blueprint.token_url = f"{web_url}/login/oauth/access_token"
    blueprint.base_url = f"{api_url}/"
    app.register_blueprint(blueprint, url_prefix="/login")

    @oauth_authorized.connect_via(blueprint)
    def signed_in(bp: object, token: dict | None) -> Response:
        if not token or "access_token" not in token:
            return _failed("GitHub did not complete the sign-in: please try again.")
        try:
            answer = requests.get(f"{api_url}/user", timeout=10, headers={
                "Authorization": f"Bearer {token['access_token']}",
                "Accept": "application/vnd.github+json", "User-Agent": "commitstats"})
            answer.raise_for_status()
            profile = answer.json()
        except (requests.RequestException, ValueError):
            log.warning("reading the GitHub profile after sign-in failed")
            return _failed("GitHub could not be reached to finish the sign-in: try again.")
        user = UserStore(get_db()).ensure(
            f"github:{profile['id']}", profile["login"], profile.get("name") or profile["login"],
            profile.get("avatar_url"),
        )
        sign_in(user)
        return redirect(url_for("repositories.index"))

    @oauth_error.connect_via(blueprint)
    def refused(bp: object, error: object = None, **details: object) -> Response:
        return _failed("GitHub sign-in was cancelled or refused.")

    @app.errorhandler(OAuth2Error)
    def broken_dance(error: OAuth2Error) -> Response:
        log.warning("GitHub OAuth failed: %s", error.error)
        return _failed("GitHub sign-in failed: please try again.")
