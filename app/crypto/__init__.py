"""Encryption of the access tokens users give us for their git providers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.crypto.keys import LOCAL_KEY_PREFIX, KeyProvider, KmsKeyProvider, LocalKeyProvider

MASTER_KEY_FILE = "token-master.key"


def key_provider_from_config(config: Mapping[str, Any]) -> KeyProvider:
    """KMS when KMS_KEY_ID is set, otherwise a master key file in the instance folder."""
    if config.get("KMS_KEY_ID"):
        return KmsKeyProvider(config["KMS_KEY_ID"], region=config.get("AWS_REGION"))
    return LocalKeyProvider(Path(config["INSTANCE_PATH"]) / MASTER_KEY_FILE)


def key_provider_for_key_id(key_id: str, config: Mapping[str, Any]) -> KeyProvider:
    """The provider that wrapped a stored token's data key, whatever is configured
    now: tokens stay readable in the middle of a key rotation."""
    if key_id.startswith(LOCAL_KEY_PREFIX):
        return LocalKeyProvider(Path(config["INSTANCE_PATH"]) / MASTER_KEY_FILE)
    return KmsKeyProvider(key_id, region=config.get("AWS_REGION"))
