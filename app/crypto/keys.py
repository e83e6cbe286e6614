"""Key providers: where the keys that wrap each token's data key live.

A provider hands out fresh 32-byte data keys together with a wrapped (encrypted)
copy to store, and unwraps that copy later. The encryption context (who the
token belongs to) is bound to the wrapped key, so it only unwraps for the same
owner. Production uses AWS KMS; a single host can use a local master key file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12


# Key ids of the local provider start with this; anything else is a KMS key.
LOCAL_KEY_PREFIX = "local:"

class KeyProviderError(Exception):
    """The provider cannot be used: misconfigured, unreachable or not permitted."""


class InvalidWrappedKey(KeyProviderError):
    """A wrapped key does not unwrap: it was altered, or its context or key differ."""


class KeyProvider(Protocol):
    @property
    def key_id(self) -> str:
        """Names the key that wraps data keys; stored beside every token."""
        ...

    def generate_data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        """A fresh data key: (plaintext 32 bytes, wrapped copy to store)."""
        ...

    def decrypt_data_key(self, wrapped: bytes, context: dict[str, str]) -> bytes:
        """The plaintext data key of `wrapped`, if `context` is the one it was made with."""
        ...


def canonical_context(context: Mapping[str, str]) -> bytes:
    """The context as bytes that are the same for equal contexts (sorted JSON)."""
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in context.items()):
        raise TypeError("encryption context keys and values must be strings")
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":")).encode()


class KmsKeyProvider:
    """Data keys from AWS KMS; the master key never leaves KMS."""

    def __init__(self, key_id: str, client: Any = None, region: str | None = None) -> None:
        self._key_id = key_id
        self._region = region
        self._client = client

    @property
    def key_id(self) -> str:
        return self._key_id

    def _kms(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.exceptions import BotoCoreError

            try:
                self._client = boto3.client("kms", region_name=self._region)
            except BotoCoreError as error:
                raise self._error("connect to", error) from None
        return self._client

    def generate_data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._kms().generate_data_key(
                KeyId=self._key_id, KeySpec="AES_256", EncryptionContext=dict(context)
            )
        except (BotoCoreError, ClientError) as error:
            raise self._error("generate a data key with", error) from None
        return response["Plaintext"], response["CiphertextBlob"]

    def decrypt_data_key(self, wrapped: bytes, context: dict[str, str]) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._kms().decrypt(
                CiphertextBlob=wrapped, EncryptionContext=dict(context), KeyId=self._key_id
            )
        except ClientError as error:
            if error_code(error) in ("InvalidCiphertextException", "IncorrectKeyException"):
                raise InvalidWrappedKey(
                    f"KMS key {self._key_id} rejected the wrapped data key "
                    f"({error_code(error)}): it was altered or belongs to another context"
                ) from None
            raise self._error("decrypt a data key with", error) from None
        except BotoCoreError as error:
            raise self._error("decrypt a data key with", error) from None
        return response["Plaintext"]

    def _error(self, action: str, error: Exception) -> KeyProviderError:
        # Only the error's code and class: botocore messages may echo request fields.
        code = error_code(error) or type(error).__name__
        return KeyProviderError(
            f"Could not {action} KMS key {self._key_id!r} ({code}). Check that the key id "
            f"or alias exists in region {self._region or '(default region)'} and is enabled, "
            "and that this host's AWS credentials allow kms:GenerateDataKey and kms:Decrypt "
            "on it."
        )


def error_code(error: Exception) -> str | None:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code")


WRAP_VERSION = 1


class LocalKeyProvider:
    """Data keys wrapped by a master key kept in a file only this user may read.

    Wrapped format: version byte, 12-byte nonce, AES-256-GCM ciphertext and tag,
    with the canonical context as associated data.
    """

    def __init__(self, key_file: Path) -> None:
        self._key_file = Path(key_file)
        self._master_key: bytes | None = None

    @property
    def key_id(self) -> str:
        # A fingerprint, so tokens name the master key that wraps them without
        # depending on where the instance folder happens to live.
        digest = hashlib.sha256(b"commitstats local key id\0" + self._master()).hexdigest()
        return f"{LOCAL_KEY_PREFIX}{digest[:16]}"

    def generate_data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        data_key = secrets.token_bytes(KEY_BYTES)
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self._master()).encrypt(nonce, data_key, canonical_context(context))
        return data_key, bytes([WRAP_VERSION]) + nonce + sealed

    def decrypt_data_key(self, wrapped: bytes, context: dict[str, str]) -> bytes:
        if len(wrapped) != 1 + NONCE_BYTES + KEY_BYTES + 16 or wrapped[0] != WRAP_VERSION:
            raise InvalidWrappedKey("the wrapped data key is not in a format this version reads")
        nonce, sealed = wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :]
        try:
            return AESGCM(self._master()).decrypt(nonce, sealed, canonical_context(context))
        except InvalidTag:
            raise InvalidWrappedKey(
                "the local master key rejected the wrapped data key: it was altered, "
                "belongs to another context, or was wrapped by a different master key"
            ) from None

    def _master(self) -> bytes:
        if self._master_key is None:
            self._master_key = self._load_or_create()
        return self._master_key

    def _load_or_create(self) -> bytes:
        path = self._key_file
        if path.exists():
            return self._read_existing()
        # Written in full under a private name, then linked into place: several
        # workers may start at once, and none may ever read a half-written key.
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        key = secrets.token_bytes(KEY_BYTES)
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(key)
                file.flush()
                os.fsync(file.fileno())
            os.link(temporary, path)
        except FileExistsError:
            return self._read_existing()
        except OSError as error:
            raise KeyProviderError(
                f"Cannot create the token master key file {path}: {error.strerror}. "
                "Check that the instance folder exists and is writable."
            ) from None
        finally:
            temporary.unlink(missing_ok=True)
        return key

    def _read_existing(self) -> bytes:
        path = self._key_file
        try:
            with open(path, "rb") as file:
                mode = os.fstat(file.fileno()).st_mode
                if mode & (stat.S_IRWXG | stat.S_IRWXO):
                    raise KeyProviderError(
                        f"Refusing to use the token master key file {path}: its permissions "
                        f"are {stat.filemode(mode)}, so other users may read it. Run "
                        f"`chmod 600 {path}` if it was never exposed; otherwise rotate to a "
                        "new key."
                    )
                key = file.read()
        except OSError as error:
            raise KeyProviderError(
                f"Cannot read the token master key file {path}: {error.strerror}."
            ) from None
        if len(key) != KEY_BYTES:
            raise KeyProviderError(
                f"The token master key file {path} holds {len(key)} bytes, not {KEY_BYTES}: "
                "it is damaged or not a key file. Restore it from backup."
            )
        return key
