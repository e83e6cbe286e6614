"""An Azure DevOps REST 7.1 stand-in: profile, connectionData, and git repositories
paged with x-ms-continuationtoken."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from flask import Flask, Response, jsonify, request

SIGN_IN_PAGE = (
    "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head>"
    "<body>Sign in to your account</body></html>"
)
PAGE_SIZE = 100


@dataclass
class AzureState:
    """What the stand-in knows.

    `token_reach` is "all" (a PAT for all organizations), "organization" (the profile
    service refuses it) ; `code_read` False means the PAT lacks Code (Read).
    `bad_token_status` is 203 (the sign-in page) or 401. `failure` is None,
    "rate_limit" or "502".
    """

    organization: str = "fabrikam"
    token: str = "azdopat0standin0token0xyz"
    display_name: str = "Jamal Hartnett"
    email: str = "jamal@fabrikam.example"
    token_reach: str = "all"
    code_read: bool = True
    bad_token_status: int = 203
    repository_count: int = 250
    failure: str | None = None
    seen: list[dict[str, str]] = field(default_factory=list)


def _repositories(state: AzureState) -> list[dict[str, object]]:
    """Spread over three projects; one public project; every 50th repository has no
    branch yet, and repository 7 is disabled."""
    organization = state.organization
    repositories = []
    for number in range(state.repository_count):
        project_name = ("Fabrikam Fiber", "Backend", "Open Source")[number % 3]
        encoded_project = project_name.replace(" ", "%20")
        name = f"repo-{number:03d}"
        repository: dict[str, object] = {
            "id": f"00000000-0000-0000-0000-{number:012d}",
            "name": name,
            "url": f"https://dev.azure.com/{organization}/_apis/git/repositories/{number}",
            "project": {
                "id": f"11111111-0000-0000-0000-{number % 3:012d}",
                "name": project_name,
                "state": "wellFormed",
                "revision": 42,
                "visibility": "public" if project_name == "Open Source" else "private",
                "lastUpdateTime": f"2024-05-0{1 + number % 3}T12:00:00.000Z",
            },
            "size": 1024 * number,
            "remoteUrl": f"https://{organization}@dev.azure.com/{organization}/"
                         f"{encoded_project}/_git/{name}",
            "sshUrl": f"git@ssh.dev.azure.com:v3/{organization}/{encoded_project}/{name}",
            "webUrl": f"https://dev.azure.com/{organization}/{encoded_project}/_git/{name}",
            "isDisabled": number == 7,
            "isInMaintenance": False,
        }
        if number % 50:
            repository["defaultBranch"] = "refs/heads/main"
        repositories.append(repository)
    return repositories


def _unauthorized(message: str) -> tuple[Response, int]:
    return jsonify({
        "$id": "1", "innerException": None, "message": message,
        "typeName": "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, "
                    "Microsoft.TeamFoundation.Framework.Server",
        "typeKey": "UnauthorizedRequestException", "errorCode": 0, "eventId": 3000,
    }), 401


def create_app(state: AzureState) -> Flask:
    """The stand-in: organization routes under /{organization} and the profile service
    under /_apis/profile, on one server."""
    app = Flask(__name__)

    def _pat() -> str | None:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Basic":
            return None
        try:
            _user, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return None
        return password

    @app.before_request
    def check() -> Response | tuple[Response, int] | None:
        state.seen.append({
            "path": request.path,
            "query": request.query_string.decode(),
            "user_agent": request.headers.get("User-Agent", ""),
        })
        if state.failure == "502":
            return Response("Bad Gateway", 502, content_type="text/html")
        if _pat() != state.token:
            if state.bad_token_status == 401:
                return Response("", 401, headers={"WWW-Authenticate": "Basic realm=\"x\""})
            return Response(SIGN_IN_PAGE, 203, content_type="text/html; charset=utf-8")
        if state.failure == "rate_limit":
            return Response("", 429, headers={"Retry-After": "30",
                                              "X-RateLimit-Resource": "Core",
                                              "X-RateLimit-Remaining": "0"})
        return None

    @app.get("/_apis/profile/profiles/me")
    def profile() -> Response | tuple[Response, int]:
        if state.token_reach != "all":
            return _unauthorized("VS30063: You are not authorized to access "
                                 "https://app.vssps.visualstudio.com.")
        return jsonify(displayName=state.display_name, publicAlias="a1b2c3",
                       emailAddress=state.email, coreRevision=1, timeStamp="2024-01-01",
                       id="a1b2c3", revision=1)

    @app.get("/<organization>/_apis/connectionData")
    def connection_data(organization: str) -> Response | tuple[Response, int]:
        if organization != state.organization:
            return jsonify(message="VS800001: organization not found"), 404
        return jsonify(authenticatedUser={
            "id": "a1b2c3", "providerDisplayName": state.display_name, "isActive": True,
            "properties": {"Account": {"$type": "System.String", "$value": state.email}},
        }, instanceId="22222222-0000-0000-0000-000000000000")

    @app.get("/<organization>/_apis/git/repositories")
    def repositories(organization: str) -> Response | tuple[Response, int]:
        if organization != state.organization:
            return jsonify(message="VS800001: organization not found"), 404
        if request.args.get("api-version") != "7.1":
            return jsonify(message="The requested REST API version is not supported"), 400
        if not state.code_read:
            return _unauthorized("TF400813: The user is not authorized to access this resource.")
        start = int(request.args.get("continuationToken", "0"))
        items = _repositories(state)
        page = items[start:start + PAGE_SIZE]
        response = jsonify(value=page, count=len(page))
        if start + PAGE_SIZE < len(items):
            response.headers["x-ms-continuationtoken"] = str(start + PAGE_SIZE)
        return response

    return app
