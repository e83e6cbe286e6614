"""GitHub and GitHub Enterprise Server, through the REST API and a personal access token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests

from app.providers import http
from app.providers.base import (
    MissingScope,
    ProviderError,
    ProviderUnavailable,
    RemoteRepository,
    TokenInfo,
    TokenRejected,
    basic_auth,
)

SERVICE = "GitHub"
_object = partial(http.as_object, service=SERVICE)
REQUIRED_SCOPE = "repo"
_EXPIRATION_FORMATS = ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S %z")


class GitHub(http.ApiClient):
    """github.com by default; for GitHub Enterprise pass `api_url="https://host/api/v3"`.

    Classic tokens need the `repo` scope, since we clone private repositories.
    Fine-grained tokens carry no scope header: they pass when the repository
    listing succeeds.
    """

    service = SERVICE

    def __init__(
        self,
        api_url: str = "https://api.github.com",
        web_host: str | None = None,
        timeout: float | tuple[float, float] = http.DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        api_host = http.host_of(self.api_url)
        self.web_host = web_host or ("github.com" if api_host == "api.github.com" else api_host)
        self._timeout = timeout
        self._session = session or requests.Session()

    def verify(self, token: str) -> TokenInfo:
        """Who owns the token; MissingScope when a classic token lacks `repo`."""
        response = self._get(f"{self.api_url}/user", token)
        user = _object(http.json_body(response, SERVICE))
        scopes_header = response.headers.get("X-OAuth-Scopes")
        scopes = None if scopes_header is None else _split_scopes(scopes_header)
        if scopes is not None and REQUIRED_SCOPE not in scopes:
            raise MissingScope(REQUIRED_SCOPE)
        if scopes is None:
            # A fine-grained token says nothing about its permissions: try a listing.
            self._get(f"{self.api_url}/user/repos", token, params={"per_page": 1})
        return TokenInfo(
            account=str(user.get("login") or ""),
            display_name=user.get("name") or None,
            scopes=scopes,
            expires_at=_expiry_date(response.headers.get("GitHub-Authentication-Token-Expiration")),
        )

    def repositories(self, token: str) -> Iterator[RemoteRepository]:
        """Repositories the user owns, collaborates on or reaches through an
        organization, most recently pushed first, following `Link: rel="next"`."""
        url: str | None = f"{self.api_url}/user/repos"
        params: dict[str, str | int] | None = {
            "per_page": 100,
            "affiliation": "owner,collaborator,organization_member",
            "sort": "pushed",
        }
        for _ in range(http.MAX_PAGES):
            if url is None:
                return
            response = self._get(url, token, params=params)
            page = http.json_body(response, SERVICE)
            if not isinstance(page, list):
                raise ProviderError(f"{SERVICE} sent a repository listing we did not understand")
            for item in page:
                yield _repository(_object(item))
            # The next link already carries every query parameter.
            url, params = http.next_link(response, self.api_url, SERVICE), None
        raise ProviderError(f"{SERVICE} kept sending more pages than any account has")

    def git_auth_header(self, token: str) -> str:
        """Basic credentials git accepts for HTTPS clones with a token."""
        return basic_auth("x-access-token", token)

    def allowed_hosts(self) -> set[str]:
        """The web host clones come from (github.com or the Enterprise host)."""
        return {self.web_host}

    def _auth(self, token: str) -> http.HeaderAuth:
        return http.HeaderAuth("Authorization", f"token {token}")

    def _check(self, response: requests.Response) -> None:
        _raise_for_status(response)


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if status == 401:
        raise TokenRejected()
    rate_limited = response.headers.get("X-RateLimit-Remaining") == "0"
    if status == 429 or (status == 403 and (rate_limited or "Retry-After" in response.headers)):
        raise ProviderUnavailable(
            f"{SERVICE} rate limit reached: try again later",
            retry_after=http.seconds_until_retry(response.headers, "X-RateLimit-Reset"),
        )
    if status == 403:
        raise ProviderError(f"{SERVICE} refused access (HTTP 403): check the token's permissions")
    if status != 200:
        raise ProviderError(f"{SERVICE} answered HTTP {status}")


def _repository(item: dict[str, Any]) -> RemoteRepository:
    try:
        return RemoteRepository(
            full_name=item["full_name"],
            owner=_object(item["owner"])["login"],
            clone_url=item["clone_url"],
            private=bool(item.get("private")),
            last_activity=item.get("pushed_at"),
            default_branch=item.get("default_branch"),
            web_url=item.get("html_url"),
        )
    except KeyError:
        raise ProviderError(f"{SERVICE} sent a repository without its name or address") from None


def _split_scopes(header: str) -> list[str]:
    return [scope.strip() for scope in header.split(",") if scope.strip()]


def _expiry_date(header: str | None) -> str | None:
    """`2024-05-01 12:00:00 UTC` (GitHub's format) as `2024-05-01`, in UTC."""
    if not header:
        return None
    for pattern in _EXPIRATION_FORMATS:
        try:
            moment = datetime.strptime(header.strip(), pattern)
        except ValueError:
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.date().isoformat()
    return None
