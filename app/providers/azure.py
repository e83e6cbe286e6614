"""Azure DevOps Services: one organization's git repositories, with a personal access token."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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

SERVICE = "Azure DevOps"
_object = partial(http.as_object, service=SERVICE)
API_VERSION = "7.1"
REQUIRED_SCOPE = "Code (Read)"


class AzureDevOps(http.ApiClient):
    """The git repositories of `organization` on dev.azure.com (or `base_url`).

    Azure DevOps does not tell a client which scopes or expiry a PAT has, so
    TokenInfo carries None for both; Code (Read) is checked by listing repositories.
    """

    service = SERVICE

    def __init__(
        self,
        organization: str,
        base_url: str = "https://dev.azure.com",
        profile_url: str = "https://app.vssps.visualstudio.com/_apis/profile/profiles/me",
        timeout: float | tuple[float, float] = http.DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.organization = organization
        self.base_url = base_url.rstrip("/")
        self.organization_url = f"{self.base_url}/{organization}"
        self.profile_url = profile_url
        self._timeout = timeout
        self._session = session or requests.Session()

    def verify(self, token: str) -> TokenInfo:
        """Whose token it is, then that it can read the organization's code."""
        account, display_name = self._identity(token)
        try:
            next(iter(self._pages(token, max_pages=1)), None)
        except TokenRejected:
            # The same token was just accepted for the identity: what fails here is the scope.
            raise MissingScope(REQUIRED_SCOPE) from None
        return TokenInfo(account=account, display_name=display_name, scopes=None, expires_at=None)

    def repositories(self, token: str) -> Iterator[RemoteRepository]:
        """Every enabled git repository in the organization, following continuation tokens."""
        for page in self._pages(token, max_pages=http.MAX_PAGES):
            for item in page:
                if not item.get("isDisabled"):
                    yield _repository(item)

    def git_auth_header(self, token: str) -> str:
        """Basic credentials with an empty user name, as Azure DevOps expects for a PAT."""
        return basic_auth("", token)

    def allowed_hosts(self) -> set[str]:
        """The service host, plus the organization's legacy visualstudio.com host."""
        host = http.host_of(self.base_url)
        if host == "dev.azure.com":
            return {host, f"{self.organization.lower()}.visualstudio.com"}
        return {host}

    def _identity(self, token: str) -> tuple[str, str | None]:
        try:
            profile = _object(http.json_body(
                self._get(self.profile_url, token, {"api-version": API_VERSION}), SERVICE
            ))
            return str(profile.get("emailAddress") or profile.get("publicAlias") or ""), (
                profile.get("displayName") or None
            )
        except TokenRejected:
            # The profile service only accepts PATs made for all organizations; a PAT
            # for this organization alone is still good, so ask the organization.
            pass
        connection = _object(http.json_body(
            self._get(f"{self.organization_url}/_apis/connectionData", token), SERVICE
        ))
        user = _object(connection.get("authenticatedUser") or {})
        account_property = _object(_object(user.get("properties") or {}).get("Account") or {})
        account = account_property.get("$value") or user.get("id")
        if not account:
            raise TokenRejected()
        return str(account), user.get("providerDisplayName") or None

    def _pages(self, token: str, max_pages: int) -> Iterator[list[dict[str, Any]]]:
        params = {"api-version": API_VERSION}
        for _ in range(max_pages):
            response = self._get(f"{self.organization_url}/_apis/git/repositories", token, params)
            body = _object(http.json_body(response, SERVICE))
            page = body.get("value")
            if not isinstance(page, list):
                raise ProviderError(f"{SERVICE} sent a repository listing we did not understand")
            yield [_object(item) for item in page]
            continuation = response.headers.get("x-ms-continuationtoken")
            if not continuation:
                return
            params = {"api-version": API_VERSION, "continuationToken": continuation}
        if max_pages == http.MAX_PAGES:
            raise ProviderError(f"{SERVICE} kept sending more pages than any account has")

    def _auth(self, token: str) -> http.HeaderAuth:
        return http.HeaderAuth("Authorization", basic_auth("", token))

    def _check(self, response: requests.Response) -> None:
        _raise_for_status(response)


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    content_type = response.headers.get("Content-Type", "")
    # A PAT Azure DevOps does not accept gets the sign-in page: 203, a redirect to it,
    # or a 200 HTML page; sometimes a plain 401.
    if status in (203, 401) or 300 <= status < 400 or (
        status == 200 and "text/html" in content_type
    ):
        raise TokenRejected()
    if status == 429:
        raise ProviderUnavailable(
            f"{SERVICE} is throttling requests: try again later",
            retry_after=http.seconds_until_retry(response.headers, "X-RateLimit-Reset"),
        )
    if status == 403:
        raise MissingScope(REQUIRED_SCOPE)
    if status == 404:
        raise ProviderError(
            f"{SERVICE} does not know this organization, or the token cannot see it"
        )
    if status != 200:
        raise ProviderError(f"{SERVICE} answered HTTP {status}")


def _repository(item: dict[str, Any]) -> RemoteRepository:
    try:
        project = _object(item["project"])
        branch = item.get("defaultBranch")
        return RemoteRepository(
            full_name=f"{project['name']}/{item['name']}",
            owner=project["name"],
            clone_url=_without_user(item["remoteUrl"]),
            private=project.get("visibility") == "private",
            last_activity=project.get("lastUpdateTime"),
            default_branch=branch.removeprefix("refs/heads/") if branch else None,
            web_url=item.get("webUrl"),
        )
    except KeyError:
        raise ProviderError(f"{SERVICE} sent a repository without its name or address") from None


def _without_user(url: str) -> str:
    """`https://org@dev.azure.com/...` as `https://dev.azure.com/...`: credentials go in
    the Authorization header, never in the URL."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

