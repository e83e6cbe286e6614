"""The HTTP plumbing all provider clients share: one timeout, one User-Agent, safe errors."""

from __future__ import annotations

import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from app.providers.base import ProviderError, ProviderUnavailable

USER_AGENT = "commitstats"
# (connect, read) seconds: a provider that cannot answer in this time is treated as down.
DEFAULT_TIMEOUT = (5.0, 30.0)
# A listing longer than this is a server looping on its own pagination, not a real account.
MAX_PAGES = 1000


class HeaderAuth(requests.auth.AuthBase):
    """Sends the token in one header.

    Passing credentials as `auth` (not as a plain header) also stops requests from
    replacing them with an entry from ~/.netrc; the repr never shows the token.
    """

    def __init__(self, name: str, value: str) -> None:
        self._name = name
        self._value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self._name] = self._value
        return request

    def __repr__(self) -> str:
        return f"HeaderAuth({self._name!r}, <hidden>)"


def get(
    session: requests.Session,
    url: str,
    *,
    auth: HeaderAuth,
    service: str,
    params: Mapping[str, str | int] | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> requests.Response:
    """GET `url`, turning network failures and 5xx answers into ProviderUnavailable.

    Redirects are not followed: requests would carry custom token headers (such as
    GitLab's PRIVATE-TOKEN) to whatever host the redirect names.
    """
    try:
        response = session.get(
            url,
            params=params,
            auth=auth,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout:
        raise ProviderUnavailable(f"{service} did not answer in time: try again later") from None
    except requests.RequestException as error:
        # The requests exception is dropped: its request object holds the token header.
        raise ProviderUnavailable(
            f"{service} could not be reached ({_network_failure(error)}): check the server "
            "address, or try again later"
        ) from None
    if response.status_code >= 500:
        raise ProviderUnavailable(
            f"{service} is having trouble (HTTP {response.status_code}): try again later",
            retry_after=seconds_until_retry(response.headers),
        )
    return response


def _network_failure(error: requests.RequestException) -> str:
    """What went wrong on the way, in words (never the exception's text)."""
    if isinstance(error, requests.exceptions.SSLError):
        return "its TLS certificate was not accepted"
    if isinstance(error, requests.exceptions.ProxyError):
        return "the proxy refused the connection"
    if isinstance(error, requests.ConnectionError):
        return "no connection"
    return "the request failed"


def json_body(response: requests.Response, service: str) -> object:
    """The decoded JSON body, or a ProviderError if the answer was something else."""
    try:
        return response.json()
    except ValueError:
        raise ProviderError(f"{service} sent an answer that is not JSON") from None


def seconds_until_retry(
    headers: Mapping[str, str], reset_header: str | None = None
) -> float | None:
    """Seconds to wait, from `Retry-After` (seconds or HTTP date) or an epoch reset header."""
    retry_after = headers.get("Retry-After")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    if reset_header and headers.get(reset_header):
        try:
            return max(0.0, float(headers[reset_header]) - time.time())
        except ValueError:
            return None
    return None


def same_origin(url: str, base_url: str) -> bool:
    """Whether `url` is on the scheme and host of `base_url`, so it may receive the token."""
    first, second = urlsplit(url), urlsplit(base_url)
    return (first.scheme, first.netloc.lower()) == (second.scheme, second.netloc.lower())


def next_link(response: requests.Response, base_url: str, service: str) -> str | None:
    """The `Link: <...>; rel="next"` URL, refused if it leads away from the API."""
    url = response.links.get("next", {}).get("url")
    if url and not same_origin(url, base_url):
        raise ProviderError(f"{service} sent a next-page link to another host; it was not followed")
    return url or None


def host_of(url: str) -> str:
    """The lower-cased host name of a URL."""
    return (urlsplit(url).hostname or "").lower()


class ApiClient:
    """A provider's REST API client; subclasses say how the token is sent and how
    the provider's error answers read. They set `_session` and `_timeout`."""

    service: str
    _session: requests.Session
    _timeout: float | tuple[float, float]

    def _auth(self, token: str) -> HeaderAuth:
        raise NotImplementedError

    def _check(self, response: requests.Response) -> None:
        raise NotImplementedError

    def _get(self, url: str, token: str,
             params: Mapping[str, str | int] | None = None) -> requests.Response:
        response = get(self._session, url, auth=self._auth(token), service=self.service,
                       params=params, timeout=self._timeout)
        self._check(response)
        return response


def as_object(value: object, service: str) -> dict[str, Any]:
    """`value` as a JSON object, or a ProviderError if the provider sent something else."""
    if not isinstance(value, dict):
        raise ProviderError(f"{service} sent an answer we did not understand")
    return value
