"""Key rotation: re-encrypt every stored token under a new key provider.

Each document is written back only if its token is still the one we read, so a
token a user replaced meanwhile is never overwritten with the old one; such a
document is read again and retried. Tokens that cannot be decrypted are left
exactly as they are and listed at the end.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from pymongo.collection import Collection

from app.crypto.envelope import DecryptionError, TokenCipher
from app.crypto.keys import KeyProvider

ATTEMPTS = 3


class RotationError(Exception):
    """Some tokens were not rewrapped; `failed` maps their _id to the reason."""

    def __init__(self, failed: dict[Any, str], rewrapped: int) -> None:
        self.failed = failed
        self.rewrapped = rewrapped
        listed = "; ".join(f"{key}: {reason}" for key, reason in failed.items())
        super().__init__(
            f"{len(failed)} token(s) were left under the old key ({rewrapped} rewrapped): {listed}"
        )


class ConcurrentUpdate(Exception):
    """The token changed under us on every attempt."""


def rewrap_all(
    collection: Collection,
    field: str,
    context_of: Callable[[dict], dict[str, str]],
    old: KeyProvider,
    new: KeyProvider,
) -> int:
    """Rewrap the token in `field` of every document from `old` to `new`.

    Returns how many were rewrapped; tokens already under `new` are skipped, so
    an interrupted rotation can simply be run again. Raises RotationError after
    processing all documents if any could not be rewrapped. A KeyProviderError
    (KMS unreachable, permissions) stops the rotation at once; nothing is lost,
    as a token is only written once its new form exists.
    """
    cipher = TokenCipher(old)
    rewrapped = 0
    failed: dict[Any, str] = {}
    for document in collection.find({field: {"$exists": True}}):
        try:
            if _rewrap_one(collection, field, document, context_of, cipher, new):
                rewrapped += 1
        except (DecryptionError, ConcurrentUpdate) as error:
            failed[document["_id"]] = str(error)
    if failed:
        raise RotationError(failed, rewrapped)
    return rewrapped


def _rewrap_one(
    collection: Collection,
    field: str,
    document: dict,
    context_of: Callable[[dict], dict[str, str]],
    cipher: TokenCipher,
    new: KeyProvider,
) -> bool:
    for _ in range(ATTEMPTS):
        stored = document.get(field)
        if stored is None:
            return False
        if stored.get("key_id") == new.key_id:
            return False
        replacement = cipher.rewrap(stored, context_of(document), new)
        # Only the token field is set: the rest of the document (datetimes
        # included) is untouched, and nx-27017 rejects bytes in replace_one.
        result = collection.update_one(
            {"_id": document["_id"], **_unchanged(field, stored["ciphertext"])},
            {"$set": {field: replacement}},
        )
        if result.matched_count:
            return True
        document = collection.find_one({"_id": document["_id"]}) or {}
    raise ConcurrentUpdate(f"the token kept changing during {ATTEMPTS} attempts")


def _unchanged(field: str, ciphertext: bytes) -> dict:
    # nx-27017 matches no binary value by equality; it stores bytes as
    # {"data": <base64>, ...}, which the second clause matches. On MongoDB that
    # path never exists, and the first clause does the work.
    return {
        "$or": [
            {f"{field}.ciphertext": ciphertext},
            {f"{field}.ciphertext.data": base64.b64encode(ciphertext).decode()},
        ]
    }
