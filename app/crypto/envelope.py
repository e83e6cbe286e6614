"""Envelope encryption of access tokens.

Each token is encrypted with its own random data key (AES-256-GCM); only the
data key wrapped by a key provider is stored beside it. The encryption context
(who the token belongs to) is associated data at both layers, so a stored token
copied to another user's record does not decrypt.
"""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.crypto.keys import NONCE_BYTES, InvalidWrappedKey, KeyProvider, canonical_context

FORMAT_VERSION = 1
STORED_FIELDS = ("v", "key_id", "wrapped_key", "nonce", "ciphertext")


class DecryptionError(Exception):
    """A stored token cannot be decrypted; the user has to add it again."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"The stored access token cannot be decrypted ({reason}); remove it and add it again."
        )


class TokenCipher:
    """Encrypts tokens into storable mappings and back, under one key provider."""

    def __init__(self, provider: KeyProvider) -> None:
        self.provider = provider

    def encrypt(self, token: str, context: dict[str, str]) -> dict[str, Any]:
        """A mapping to store: {"v", "key_id", "wrapped_key", "nonce", "ciphertext"}."""
        associated = _associated_data(context)
        data_key, wrapped = self.provider.generate_data_key(context)
        nonce = secrets.token_bytes(NONCE_BYTES)
        ciphertext = AESGCM(data_key).encrypt(nonce, token.encode(), associated)
        del data_key
        return {
            "v": FORMAT_VERSION,
            "key_id": self.provider.key_id,
            "wrapped_key": wrapped,
            "nonce": nonce,
            "ciphertext": ciphertext,
        }

    def decrypt(self, stored: dict[str, Any], context: dict[str, str]) -> str:
        """The token in `stored`; DecryptionError if it was altered or the context differs.

        A KeyProviderError (KMS unreachable, permissions) passes through: the
        token is fine, the key service is not.
        """
        return _open(stored, context, self.provider)

    def rewrap(
        self, stored: dict[str, Any], context: dict[str, str], new_provider: KeyProvider
    ) -> dict[str, Any]:
        """`stored` re-encrypted under a new data key from `new_provider` (key rotation)."""
        token = _open(stored, context, self.provider)
        return TokenCipher(new_provider).encrypt(token, context)


def _open(stored: dict[str, Any], context: dict[str, str], provider: KeyProvider) -> str:
    associated = _associated_data(context)
    try:
        version = stored["v"]
        wrapped, nonce, ciphertext = (
            bytes(stored["wrapped_key"]),
            bytes(stored["nonce"]),
            bytes(stored["ciphertext"]),
        )
    except (KeyError, TypeError):
        raise DecryptionError("the stored record is incomplete") from None
    if version != FORMAT_VERSION:
        raise DecryptionError(f"unknown format version {version!r}")
    try:
        data_key = provider.decrypt_data_key(wrapped, context)
    except InvalidWrappedKey:
        raise DecryptionError(
            "its key was altered, belongs to another account, or was wrapped by another key"
        ) from None
    try:
        plaintext = AESGCM(data_key).decrypt(nonce, ciphertext, associated)
    except (InvalidTag, ValueError):
        raise DecryptionError("it was altered or belongs to another account") from None
    finally:
        del data_key
    return plaintext.decode()


def _associated_data(context: dict[str, str]) -> bytes:
    # An empty context would let a token be moved between users unnoticed.
    if not context:
        raise ValueError("an encryption context naming the token's owner is required")
    return b"commitstats-token\0" + canonical_context(context)
