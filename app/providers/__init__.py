"""Git providers: check a user's access token and list the repositories it can read."""

from __future__ import annotations

from typing import Any

from app.providers.azure import AzureDevOps
from app.providers.base import (
    MissingScope,
    Provider,
    ProviderError,
    ProviderUnavailable,
    RemoteRepository,
    TokenInfo,
    TokenRejected,
)
from app.providers.github import GitHub
from app.providers.gitlab import GitLab

PROVIDERS: dict[str, type] = {"github": GitHub, "gitlab": GitLab, "azure": AzureDevOps}


def make_provider(kind: str, **settings: Any) -> Provider:
    """The client for `kind` ("github", "gitlab" or "azure"), built from its settings,
    e.g. `make_provider("azure", organization="fabrikam")`."""
    try:
        provider_class = PROVIDERS[kind]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise ValueError(f"unknown provider {kind!r}; known providers: {known}") from None
    return provider_class(**settings)


__all__ = [
    "PROVIDERS",
    "AzureDevOps",
    "GitHub",
    "GitLab",
    "MissingScope",
    "Provider",
    "ProviderError",
    "ProviderUnavailable",
    "RemoteRepository",
    "TokenInfo",
    "TokenRejected",
    "make_provider",
]
