"""Connecting a provider: check the token, encrypt it, and use it later to list
repositories and to clone. The only code that ever holds a token in clear."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bson import ObjectId

from app.collector.credentials import authorization_setting
from app.crypto.envelope import TokenCipher
from app.crypto.keys import KeyProvider
from app.providers import RemoteRepository, make_provider
from app.providers.base import Provider
from app.storage.connections import Connection, ConnectionStore, encryption_context

# What a user may configure per provider kind (everything else is fixed).
PROVIDER_SETTINGS = {"github": ("api_url",), "gitlab": ("base_url",), "azure": ("organization",)}
DEFAULTS = {"github": {"api_url": "https://api.github.com"},
            "gitlab": {"base_url": "https://gitlab.com"}, "azure": {}}
MAX_LISTED = 5000


def provider_for(kind: str, settings: dict[str, str]) -> Provider:
    return make_provider(kind, **{**DEFAULTS[kind], **settings})


class Connections:
    def __init__(self, store: ConnectionStore, cipher: TokenCipher,
                 provider_for_key: Callable[[str], KeyProvider] | None = None) -> None:
        self._store = store
        self._cipher = cipher
        self._provider_for_key = provider_for_key

    def connect(self, user_id: str, kind: str, settings: dict[str, str], token: str,
                replacing: Connection | None = None) -> ObjectId:
        """Verify and store a token; raises the provider's errors (TokenRejected,
        MissingScope, ProviderUnavailable) with messages fit for the user."""
        provider = provider_for(kind, settings)
        info = provider.verify(token)
        connection_id = replacing.id if replacing else ObjectId()
        details: dict[str, Any] = {
            "account": info.account, "scopes": info.scopes, "expires_at": info.expires_at,
            "last4": token[-4:], "status": "ok", "error": None,
            "token": self._cipher.encrypt(token, encryption_context(user_id, kind,
                                                                   connection_id)),
        }
        if replacing:
            self._store.update(connection_id, **details)
        else:
            self._store.add(connection_id, user_id, kind, settings, **details)
        return connection_id

    def token(self, connection: Connection) -> str:
        cipher = self._cipher
        stored_key = connection.token.get("key_id")
        if stored_key != cipher.provider.key_id and self._provider_for_key and stored_key:
            # Wrapped under an earlier key (a rotation is under way): ask that key.
            cipher = TokenCipher(self._provider_for_key(stored_key))
        return cipher.decrypt(connection.token, connection.encryption_context())

    def refresh_repositories(self, connection: Connection) -> list[RemoteRepository]:
        provider = provider_for(connection.kind, connection.settings)
        listed = []
        for repository in provider.repositories(self.token(connection)):
            listed.append(repository)
            if len(listed) >= MAX_LISTED:
                break
        self._store.update(connection.id, listed_at=time.time(), repositories=[
            {"full_name": r.full_name, "owner": r.owner, "clone_url": r.clone_url,
             "private": r.private, "last_activity": r.last_activity, "web_url": r.web_url}
            for r in listed])
        return listed

    def clone_settings(self, connection: Connection) -> tuple[set[str], tuple[str, str]]:
        """The hosts clones may go to, and the git setting carrying the token."""
        provider = provider_for(connection.kind, connection.settings)
        return provider.allowed_hosts(), authorization_setting(
            provider.git_auth_header(self.token(connection)))

    def mark_rejected(self, connection: Connection, message: str) -> None:
        self._store.update(connection.id, status="rejected", error=message)
