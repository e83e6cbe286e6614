"""Envelope encryption of the access tokens users store for their git providers."""

import os
import stat
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import boto3
import bson
import pytest
from moto import mock_aws
from pymongo import MongoClient
from pymongo.collection import Collection

from app.crypto import key_provider_from_config
from app.crypto.envelope import DecryptionError, TokenCipher
from app.crypto.keys import KeyProviderError, KmsKeyProvider, LocalKeyProvider
from app.crypto.rotation import RotationError, rewrap_all

TOKEN = "ghp_s3cr3tTOKENvalue1234567890abcdef"
ALICE = {"user_id": "alice", "provider": "github"}
BOB = {"user_id": "bob", "provider": "github"}
REGION = "eu-west-1"
ADDED_AT = datetime(2024, 5, 1, 12, 30, 15, 123000)


@pytest.fixture
def local(tmp_path: Path) -> LocalKeyProvider:
    return LocalKeyProvider(tmp_path / "token-master.key")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def create_kms_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["KeyId"]


@pytest.fixture
def tokens(mongo_uri: str) -> Iterator[Collection]:
    client: MongoClient = MongoClient(mongo_uri)
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield client[name].tokens
    client.drop_database(name)
    client.close()


def flip_byte(value: bytes, index: int = -1) -> bytes:
    flipped = bytearray(value)
    flipped[index] ^= 0x01
    return bytes(flipped)


# --- Local master key --------------------------------------------------------


def test_local_round_trip(local: LocalKeyProvider) -> None:
    cipher = TokenCipher(local)

    stored = cipher.encrypt(TOKEN, ALICE)

    assert set(stored) == {"v", "key_id", "wrapped_key", "nonce", "ciphertext"}
    assert stored["v"] == 1 and stored["key_id"] == local.key_id
    assert cipher.decrypt(stored, dict(reversed(ALICE.items()))) == TOKEN


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "token-master.key"
    stored = TokenCipher(LocalKeyProvider(key_file)).encrypt(TOKEN, ALICE)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_bytes()) == 32
    assert [p.name for p in tmp_path.iterdir()] == ["token-master.key"]
    assert TokenCipher(LocalKeyProvider(key_file)).decrypt(stored, ALICE) == TOKEN


def test_group_readable_key_file_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "token-master.key"
    TokenCipher(LocalKeyProvider(key_file)).encrypt(TOKEN, ALICE)
    os.chmod(key_file, 0o640)

    with pytest.raises(KeyProviderError, match="chmod 600"):
        TokenCipher(LocalKeyProvider(key_file)).encrypt(TOKEN, ALICE)


def test_damaged_key_file_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "token-master.key"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"short")
    os.close(fd)

    with pytest.raises(KeyProviderError, match="5 bytes"):
        TokenCipher(LocalKeyProvider(key_file)).encrypt(TOKEN, ALICE)


def test_token_of_another_user_does_not_decrypt(local: LocalKeyProvider) -> None:
    cipher = TokenCipher(local)
    stored = cipher.encrypt(TOKEN, ALICE)

    with pytest.raises(DecryptionError, match=r"cannot be decrypted.*add it again"):
        cipher.decrypt(stored, BOB)


@pytest.mark.parametrize("part", ["ciphertext", "wrapped_key", "nonce"])
def test_tampered_token_does_not_decrypt(local: LocalKeyProvider, part: str) -> None:
    cipher = TokenCipher(local)
    stored = cipher.encrypt(TOKEN, ALICE)

    stored[part] = flip_byte(stored[part])

    with pytest.raises(DecryptionError) as raised:
        cipher.decrypt(stored, ALICE)
    assert TOKEN not in str(raised.value)


def test_token_does_not_decrypt_under_another_master_key(tmp_path: Path) -> None:
    stored = TokenCipher(LocalKeyProvider(tmp_path / "a.key")).encrypt(TOKEN, ALICE)

    with pytest.raises(DecryptionError):
        TokenCipher(LocalKeyProvider(tmp_path / "b.key")).decrypt(stored, ALICE)


def test_encrypting_the_same_token_twice_gives_different_records(
    local: LocalKeyProvider,
) -> None:
    cipher = TokenCipher(local)

    first, second = cipher.encrypt(TOKEN, ALICE), cipher.encrypt(TOKEN, ALICE)

    for part in ("wrapped_key", "nonce", "ciphertext"):
        assert first[part] != second[part]


def test_stored_record_never_contains_the_token(local: LocalKeyProvider, tmp_path: Path) -> None:
    stored = TokenCipher(local).encrypt(TOKEN, ALICE)
    master_key = (tmp_path / "token-master.key").read_bytes()

    assert TOKEN not in repr(stored)
    encoded = bson.encode(stored)
    for secret in (TOKEN.encode(), TOKEN.encode("utf-16-le"), master_key):
        assert secret not in encoded
        assert all(secret not in value for value in stored.values() if isinstance(value, bytes))


def test_an_encryption_context_is_required(local: LocalKeyProvider) -> None:
    with pytest.raises(ValueError, match="context"):
        TokenCipher(local).encrypt(TOKEN, {})


def test_config_chooses_the_provider(tmp_path: Path) -> None:
    local = key_provider_from_config({"INSTANCE_PATH": str(tmp_path)})
    kms = key_provider_from_config(
        {"KMS_KEY_ID": "alias/tokens", "AWS_REGION": REGION, "INSTANCE_PATH": str(tmp_path)}
    )

    assert isinstance(local, LocalKeyProvider) and local.key_id.startswith("local:")
    assert (tmp_path / "token-master.key").exists()
    assert isinstance(kms, KmsKeyProvider) and kms.key_id == "alias/tokens"


# --- AWS KMS -----------------------------------------------------------------


def test_kms_round_trip(aws: None) -> None:
    cipher = TokenCipher(KmsKeyProvider(create_kms_key(), region=REGION))

    stored = cipher.encrypt(TOKEN, ALICE)

    assert cipher.decrypt(stored, ALICE) == TOKEN
    assert TOKEN not in repr(stored)


def test_kms_token_of_another_user_does_not_decrypt(aws: None) -> None:
    cipher = TokenCipher(KmsKeyProvider(create_kms_key(), region=REGION))
    stored = cipher.encrypt(TOKEN, ALICE)

    with pytest.raises(DecryptionError):
        cipher.decrypt(stored, BOB)


def test_kms_token_does_not_decrypt_under_another_key(aws: None) -> None:
    stored = TokenCipher(KmsKeyProvider(create_kms_key(), region=REGION)).encrypt(TOKEN, ALICE)
    other = TokenCipher(KmsKeyProvider(create_kms_key(), region=REGION))

    with pytest.raises((DecryptionError, KeyProviderError)):
        other.decrypt(stored, ALICE)


def test_missing_kms_key_explains_what_to_check(aws: None) -> None:
    provider = KmsKeyProvider("alias/no-such-key", region=REGION)

    with pytest.raises(KeyProviderError) as raised:
        TokenCipher(provider).encrypt(TOKEN, ALICE)

    message = str(raised.value)
    assert "alias/no-such-key" in message
    assert REGION in message
    assert "kms:GenerateDataKey" in message and "kms:Decrypt" in message
    assert TOKEN not in message


# --- Rotation ----------------------------------------------------------------


def store_tokens(collection: Collection, cipher: TokenCipher, count: int) -> dict[str, str]:
    """Inserts `count` users with a token each; returns the tokens by user id."""
    plain = {f"user-{n}": f"{TOKEN}-{n}" for n in range(count)}
    collection.insert_many(
        {"_id": user, "token": cipher.encrypt(token, {"user_id": user}), "added_at": ADDED_AT}
        for user, token in plain.items()
    )
    collection.insert_one({"_id": "no-token", "name": "has not added a token"})
    return plain


def context_of(document: dict) -> dict[str, str]:
    return {"user_id": document["_id"]}


def assert_all_decrypt(collection: Collection, cipher: TokenCipher, plain: dict) -> None:
    for user, token in plain.items():
        document = collection.find_one({"_id": user})
        # Rotation touches only the token; other fields keep their types.
        assert document["added_at"] == ADDED_AT
        stored = document["token"]
        assert stored["key_id"] == cipher.provider.key_id
        assert cipher.decrypt(stored, {"user_id": user}) == token


def test_rotation_from_local_to_kms_and_on_to_a_new_kms_key(
    aws: None, local: LocalKeyProvider, tokens: Collection
) -> None:
    first_kms = KmsKeyProvider(create_kms_key(), region=REGION)
    second_kms = KmsKeyProvider(create_kms_key(), region=REGION)
    plain = store_tokens(tokens, TokenCipher(local), 3)

    assert rewrap_all(tokens, "token", context_of, local, first_kms) == 3
    assert_all_decrypt(tokens, TokenCipher(first_kms), plain)

    assert rewrap_all(tokens, "token", context_of, first_kms, second_kms) == 3
    assert_all_decrypt(tokens, TokenCipher(second_kms), plain)
    assert tokens.find_one({"_id": "no-token"}) == {
        "_id": "no-token",
        "name": "has not added a token",
    }


def test_rotation_run_again_skips_what_is_done(tmp_path: Path, tokens: Collection) -> None:
    old, new = LocalKeyProvider(tmp_path / "old.key"), LocalKeyProvider(tmp_path / "new.key")
    plain = store_tokens(tokens, TokenCipher(old), 2)

    assert rewrap_all(tokens, "token", context_of, old, new) == 2
    assert rewrap_all(tokens, "token", context_of, old, new) == 0
    assert_all_decrypt(tokens, TokenCipher(new), plain)


def test_rotation_reports_a_corrupted_token_and_rewraps_the_rest(
    tmp_path: Path, tokens: Collection
) -> None:
    old, new = LocalKeyProvider(tmp_path / "old.key"), LocalKeyProvider(tmp_path / "new.key")
    plain = store_tokens(tokens, TokenCipher(old), 4)
    corrupted = tokens.find_one({"_id": "user-1"})["token"]
    corrupted["ciphertext"] = flip_byte(corrupted["ciphertext"], 0)
    tokens.update_one({"_id": "user-1"}, {"$set": {"token": corrupted}})
    del plain["user-1"]

    with pytest.raises(RotationError, match="user-1") as raised:
        rewrap_all(tokens, "token", context_of, old, new)

    assert list(raised.value.failed) == ["user-1"]
    assert raised.value.rewrapped == 3
    assert_all_decrypt(tokens, TokenCipher(new), plain)
    assert tokens.find_one({"_id": "user-1"})["token"] == corrupted


def test_rotation_keeps_a_token_replaced_while_it_runs(tmp_path: Path, tokens: Collection) -> None:
    old, new = LocalKeyProvider(tmp_path / "old.key"), LocalKeyProvider(tmp_path / "new.key")
    store_tokens(tokens, TokenCipher(old), 1)
    replaced = []

    def context_replacing_the_token_once(document: dict) -> dict[str, str]:
        # The user saves a new token between rotation's read and its write.
        if not replaced:
            fresh = TokenCipher(old).encrypt("ghp_brand_new", context_of(document))
            tokens.update_one({"_id": document["_id"]}, {"$set": {"token": fresh}})
            replaced.append(document["_id"])
        return context_of(document)

    assert rewrap_all(tokens, "token", context_replacing_the_token_once, old, new) == 1

    assert_all_decrypt(tokens, TokenCipher(new), {"user-0": "ghp_brand_new"})
