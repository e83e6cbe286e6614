"""What every git provider client offers: token checks, repository listings, git credentials."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TokenInfo:
    """Who a personal access token belongs to, and what it may do.

    `scopes` is None when the provider does not say (GitHub fine-grained tokens,
    Azure DevOps); `expires_at` is an ISO date (YYYY-MM-DD) or None for no expiry.
    """

    account: str
    display_name: str | None
    scopes: list[str] | None
    expires_at: str | None


@dataclass(frozen=True)
class RemoteRepository:
    """A repository the token can read, as the provider describes it."""

    full_name: str
    owner: str
    clone_url: str
    private: bool
    last_activity: str | None
    default_branch: str | None
    web_url: str | None


class ProviderError(Exception):
    """A provider call failed; `message` is written for the user and never holds the token."""

    default_message = "the git provider answered in a way we did not expect"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class TokenRejected(ProviderError):
    """The provider does not accept the token: wrong, expired or revoked."""

    default_message = "the token was rejected: check it or create a new one"


class MissingScope(ProviderError):
    """The token is valid but lacks a scope (or permission) we need."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(
            f"the token lacks the {scope} scope: create a token that has it"
        )


class ProviderUnavailable(ProviderError):
    """The provider is down, unreachable or rate limiting us; try again later.

    `retry_after` is how many seconds to wait when the provider said so.
    """

    default_message = "the git provider is unavailable right now: try again later"

    def __init__(self, message: str | None = None, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class Provider(Protocol):
    """A git hosting service reached with a personal access token."""

    def verify(self, token: str) -> TokenInfo:
        """Check the token and say whose it is; raise a ProviderError if it will not do."""
        ...

    def repositories(self, token: str) -> Iterator[RemoteRepository]:
        """Every repository the token can read, across all pages."""
        ...

    def git_auth_header(self, token: str) -> str:
        """The `Authorization` header value git should send when cloning."""
        ...

    def allowed_hosts(self) -> set[str]:
        """Hosts clone URLs may point to; anything else must not receive the token."""
        ...


def basic_auth(username: str, password: str) -> str:
    """An HTTP Basic `Authorization` header value."""
    pair = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")
