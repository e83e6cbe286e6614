"""A GitHub REST API stand-in: /user and /user/repos with Link pagination and rate limits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, jsonify, request, url_for


@dataclass
class GitHubState:
    """What the stand-in knows; tests change it to provoke each behaviour.

    `scopes` None means a fine-grained token (no X-OAuth-Scopes header).
    `failure` is None, "rate_limit", "secondary_rate_limit", "502" or "slow".
    """

    token: str = "ghp_standin_token_1234567890"
    login: str = "octocat"
    name: str | None = "The Octocat"
    scopes: list[str] | None = field(default_factory=lambda: ["repo", "read:user"])
    expiration: str | None = "2031-05-01 12:00:00 UTC"
    repository_count: int = 250
    web_host: str = "github.com"
    failure: str | None = None
    rate_limit_reset: int = 0
    seen: list[dict[str, str]] = field(default_factory=list)


def _repositories(state: GitHubState) -> list[dict[str, object]]:
    """Most recently pushed first, as `sort=pushed` asks; every fifth one is public."""
    repositories = []
    for number in range(state.repository_count):
        owner = state.login if number % 3 else "octo-org"
        name = f"project-{number:03d}"
        repositories.append({
            "id": 1000 + number,
            "name": name,
            "full_name": f"{owner}/{name}",
            "owner": {"login": owner, "type": "User" if owner == state.login else "Organization"},
            "private": number % 5 != 0,
            "html_url": f"https://{state.web_host}/{owner}/{name}",
            "clone_url": f"https://{state.web_host}/{owner}/{name}.git",
            "default_branch": "main" if number % 7 else "trunk",
            "pushed_at": f"2024-{12 - number // 25 % 12:02d}-{28 - number % 25:02d}T10:00:00Z",
        })
    return repositories


def create_app(state: GitHubState, prefix: str = "") -> Flask:
    """The stand-in; `prefix="/api/v3"` serves it the way GitHub Enterprise does."""
    api = Blueprint("github", __name__)

    def _headers(response: Response) -> Response:
        response.headers["X-RateLimit-Limit"] = "5000"
        response.headers["X-RateLimit-Remaining"] = "4999"
        response.headers["X-RateLimit-Reset"] = str(int(time.time()) + 3600)
        if state.scopes is not None:
            response.headers["X-OAuth-Scopes"] = ", ".join(state.scopes)
            response.headers["X-Accepted-OAuth-Scopes"] = ""
        if state.expiration:
            response.headers["GitHub-Authentication-Token-Expiration"] = state.expiration
        return response

    @api.before_request
    def check() -> Response | tuple[Response, int] | None:
        state.seen.append({
            "path": request.path,
            "query": request.query_string.decode(),
            "user_agent": request.headers.get("User-Agent", ""),
        })
        if state.failure == "slow":
            time.sleep(1.0)
        if state.failure == "502":
            return Response("<html>Bad Gateway</html>", 502, content_type="text/html")
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("token", "bearer") or credential != state.token:
            return jsonify(message="Bad credentials",
                           documentation_url="https://docs.github.com/rest"), 401
        if state.failure == "rate_limit":
            response = jsonify(
                message="API rate limit exceeded for user ID 1.",
                documentation_url="https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            )
            response.status_code = 403
            response.headers["X-RateLimit-Limit"] = "5000"
            response.headers["X-RateLimit-Remaining"] = "0"
            response.headers["X-RateLimit-Reset"] = str(state.rate_limit_reset)
            return response
        if state.failure == "secondary_rate_limit":
            response = jsonify(message="You have exceeded a secondary rate limit.")
            response.status_code = 429
            response.headers["Retry-After"] = "60"
            return response
        return None

    @api.get("/user")
    def user() -> Response:
        return _headers(jsonify(login=state.login, id=1, name=state.name, type="User"))

    @api.get("/user/repos")
    def repositories() -> Response:
        per_page = min(int(request.args.get("per_page", 30)), 100)
        page = int(request.args.get("page", 1))
        visible = _repositories(state)
        if state.scopes is not None and "repo" not in state.scopes:
            visible = [item for item in visible if not item["private"]]
        last = max(1, -(-len(visible) // per_page))
        response = _headers(jsonify(visible[(page - 1) * per_page:page * per_page]))
        links = []
        other = {key: value for key, value in request.args.items() if key != "page"}

        def link(number: int, rel: str) -> str:
            target = url_for("github.repositories", page=number, _external=True, **other)
            return f'<{target}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if links:
            response.headers["Link"] = ", ".join(links)
        return response

    app = Flask(__name__)
    app.register_blueprint(api, url_prefix=prefix or None)
    return app
