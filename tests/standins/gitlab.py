"""A GitLab REST API v4 stand-in: token self-inspection, user, and paginated projects."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, jsonify, request, url_for

_SIMPLE_FIELDS = (
    "id", "name", "path", "path_with_namespace", "default_branch", "http_url_to_repo",
    "web_url", "last_activity_at", "namespace",
)


@dataclass
class GitLabState:
    """What the stand-in knows; `failure` is None, "rate_limit" or "502"."""

    token: str = "glpat-standin-token-abcdef"
    username: str = "jdoe"
    name: str = "Jane Doe"
    scopes: list[str] = field(default_factory=lambda: ["read_api", "read_repository"])
    expires_at: str | None = "2031-03-31"
    repository_count: int = 250
    host: str = "gitlab.com"
    failure: str | None = None
    seen: list[dict[str, str]] = field(default_factory=list)


def _projects(state: GitLabState) -> list[dict[str, object]]:
    """Most recently active first; visibility cycles private, internal, public."""
    projects = []
    for number in range(state.repository_count):
        namespace = state.username if number % 2 else "acme/platform"
        path = f"service-{number:03d}"
        projects.append({
            "id": 500 + number,
            "name": path,
            "path": path,
            "path_with_namespace": f"{namespace}/{path}",
            "namespace": {"id": 9, "name": namespace, "path": namespace.split("/")[-1],
                          "kind": "user" if namespace == state.username else "group",
                          "full_path": namespace},
            "visibility": ("private", "internal", "public")[number % 3],
            "default_branch": "main",
            "http_url_to_repo": f"https://{state.host}/{namespace}/{path}.git",
            "web_url": f"https://{state.host}/{namespace}/{path}",
            "last_activity_at": f"2024-06-{28 - number % 28:02d}T08:{number % 60:02d}:00.000Z",
        })
    return projects


def create_app(state: GitLabState) -> Flask:
    """The stand-in, answering under /api/v4 like gitlab.com."""
    api = Blueprint("gitlab", __name__)

    def _require(*any_of: str) -> tuple[Response, int] | None:
        if not set(any_of).intersection(state.scopes):
            return jsonify(
                error="insufficient_scope",
                error_description="The request requires higher privileges than provided "
                                  "by the access token.",
                scope=" ".join(any_of),
            ), 403
        return None

    @api.before_request
    def check() -> Response | tuple[Response, int] | None:
        state.seen.append({
            "path": request.path,
            "query": request.query_string.decode(),
            "user_agent": request.headers.get("User-Agent", ""),
        })
        if state.failure == "502":
            return Response("<html>502 Whoops, GitLab is taking too much time</html>", 502,
                            content_type="text/html")
        token = request.headers.get("PRIVATE-TOKEN")
        if token is None and request.headers.get("Authorization", "").startswith("Bearer "):
            token = request.headers["Authorization"].removeprefix("Bearer ")
        if token != state.token:
            return jsonify(message="401 Unauthorized"), 401
        if state.failure == "rate_limit":
            response = jsonify(message="Retry later")
            response.status_code = 429
            response.headers["Retry-After"] = "42"
            response.headers["RateLimit-Limit"] = "2000"
            response.headers["RateLimit-Remaining"] = "0"
            response.headers["RateLimit-Reset"] = str(int(time.time()) + 42)
            return response
        return None

    @api.get("/personal_access_tokens/self")
    def token_self() -> Response:
        return jsonify(id=4, name="commitstats", revoked=False, active=True,
                       created_at="2024-01-01T00:00:00.000Z", scopes=state.scopes, user_id=7,
                       last_used_at=None, expires_at=state.expires_at)

    @api.get("/user")
    def user() -> Response | tuple[Response, int]:
        return _require("read_user", "read_api", "api") or jsonify(
            id=7, username=state.username, name=state.name, state="active",
            web_url=f"https://{state.host}/{state.username}",
        )

    @api.get("/projects")
    def projects() -> Response | tuple[Response, int]:
        refused = _require("read_api", "api")
        if refused:
            return refused
        per_page = min(int(request.args.get("per_page", 20)), 100)
        page = int(request.args.get("page", 1))
        items = _projects(state) if request.args.get("membership") == "true" else []
        if request.args.get("simple") == "true":
            items = [{key: item[key] for key in _SIMPLE_FIELDS} for item in items]
        total_pages = max(1, -(-len(items) // per_page))
        response = jsonify(items[(page - 1) * per_page:page * per_page])
        other = {key: value for key, value in request.args.items() if key != "page"}
        response.headers.update({
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Total": str(len(items)),
            "X-Total-Pages": str(total_pages),
            "X-Next-Page": str(page + 1) if page < total_pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
        })
        links = []
        if page < total_pages:
            target = url_for("gitlab.projects", page=page + 1, _external=True, **other)
            links.append(f'<{target}>; rel="next"')
        first = url_for("gitlab.projects", page=1, _external=True, **other)
        links.append(f'<{first}>; rel="first"')
        response.headers["Link"] = ", ".join(links)
        return response

    app = Flask(__name__)
    app.register_blueprint(api, url_prefix="/api/v4")
    return app
