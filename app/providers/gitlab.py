"""GitLab (gitlab.com or self-managed) through REST API v4 and a personal access token."""

from __future__ import annotations

from collections.abc import Iterator
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

SERVICE = "GitLab"
_object = partial(http.as_object, service=SERVICE)
# Each needed scope, with the broader scopes that include it.
_NEEDED_SCOPES = {
    "read_api": {"read_api", "api"},
    "read_repository": {"read_repository", "write_repository", "api"},
}


class GitLab(http.ApiClient):
    """gitlab.com by default, or a self-managed instance at `base_url`.

    The token needs `read_api` (to list projects) and `read_repository` (to clone);
    `api` covers both.
    """

    service = SERVICE

    def __init__(
        self,
        base_url: str = "https://gitlab.com",
        timeout: float | tuple[float, float] = http.DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_url = f"{self.base_url}/api/v4"
        self._timeout = timeout
        self._session = session or requests.Session()

    def verify(self, token: str) -> TokenInfo:
        """The token's scopes and expiry, and its user; MissingScope names what lacks."""
        details = _object(http.json_body(
            self._get(f"{self.api_url}/personal_access_tokens/self", token), SERVICE
        ))
        scopes = [str(scope) for scope in details.get("scopes") or []]
        missing = [
            needed for needed, granted_by in _NEEDED_SCOPES.items()
            if not granted_by.intersection(scopes)
        ]
        if missing:
            raise MissingScope(" and ".join(missing))
        user = _object(http.json_body(self._get(f"{self.api_url}/user", token), SERVICE))
        return TokenInfo(
            account=str(user.get("username") or ""),
            display_name=user.get("name") or None,
            scopes=scopes,
            expires_at=details.get("expires_at"),
        )

    def repositories(self, token: str) -> Iterator[RemoteRepository]:
        """Projects the user is a member of, most recently active first, across all pages.

        Not `simple=true`: the simple view leaves out `visibility`, which says
        whether a project is private.
        """
        url = f"{self.api_url}/projects"
        params: dict[str, str | int] = {
            "membership": "true",
            "per_page": 100,
            "order_by": "last_activity_at",
        }
        for _ in range(http.MAX_PAGES):
            response = self._get(url, token, params=params)
            page = http.json_body(response, SERVICE)
            if not isinstance(page, list):
                raise ProviderError(f"{SERVICE} sent a project listing we did not understand")
            for item in page:
                yield _repository(_object(item))
            next_page = response.headers.get("X-Next-Page", "").strip()
            if next_page:
                params = {**params, "page": next_page}
                continue
            # Keyset pagination and very large listings only send a Link header.
            link = http.next_link(response, self.base_url, SERVICE)
            if link is None:
                return
            url, params = link, {}
        raise ProviderError(f"{SERVICE} kept sending more pages than any account has")

    def git_auth_header(self, token: str) -> str:
        """Basic credentials git accepts for HTTPS clones with a personal access token."""
        return basic_auth("oauth2", token)

    def allowed_hosts(self) -> set[str]:
        """The GitLab instance's own host."""
        return {http.host_of(self.base_url)}

    def _auth(self, token: str) -> http.HeaderAuth:
        return http.HeaderAuth("PRIVATE-TOKEN", token)

    def _check(self, response: requests.Response) -> None:
        _raise_for_status(response)


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if status == 401:
        raise TokenRejected()
    if status == 429:
        raise ProviderUnavailable(
            f"{SERVICE} rate limit reached: try again later",
            retry_after=http.seconds_until_retry(response.headers, "RateLimit-Reset"),
        )
    if status == 403:
        # GitLab names the scope it wanted: {"error": "insufficient_scope", "scope": "..."}.
        try:
            body = response.json()
        except ValueError:
            body = {}
        if isinstance(body, dict) and body.get("error") == "insufficient_scope":
            raise MissingScope("read_api")
        raise ProviderError(f"{SERVICE} refused access (HTTP 403): check the token's permissions")
    if 300 <= status < 400:
        raise ProviderError(
            f"{SERVICE} redirected the request: check the instance address (https, no path)"
        )
    if status != 200:
        raise ProviderError(f"{SERVICE} answered HTTP {status}")


def _repository(item: dict[str, Any]) -> RemoteRepository:
    try:
        return RemoteRepository(
            full_name=item["path_with_namespace"],
            owner=_object(item["namespace"])["full_path"],
            clone_url=item["http_url_to_repo"],
            private=item.get("visibility") != "public",
            last_activity=item.get("last_activity_at"),
            default_branch=item.get("default_branch"),
            web_url=item.get("web_url"),
        )
    except KeyError:
        raise ProviderError(f"{SERVICE} sent a project without its name or address") from None

