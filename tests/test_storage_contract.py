"""The contract between our data layer and the database server.

These tests pin down the MongoDB behaviour our storage code relies on. They run
against the embedded nx-27017 server, or against a real MongoDB when
MONGODB_URI is set, and must pass on both.

nx-27017 has known defects. Tests named `..._on_nx` document each defect: they
assert the exact (wrong) behaviour on nx-27017 and the correct behaviour on
MongoDB, so they fail as soon as nx-27017 changes, telling us a workaround can
go or a new problem has appeared.
"""

import threading
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import pytest
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, DeleteOne, MongoClient, ReturnDocument, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

# BSON keeps milliseconds and pymongo returns naive UTC datetimes by default.
MOMENT = datetime(2024, 5, 1, 12, 30, 15, 123000)


@pytest.fixture(scope="session")
def mongo_client(mongo_uri: str) -> Iterator[MongoClient]:
    client: MongoClient = MongoClient(mongo_uri)
    yield client
    client.close()


@pytest.fixture(scope="session")
def server_is_nx(mongo_client: MongoClient) -> bool:
    # nx-27017 answers buildInfo with its process name; MongoDB has no such field.
    return mongo_client.admin.command("buildInfo").get("process") == "nx_27017"


@pytest.fixture
def db(mongo_client: MongoClient) -> Iterator[Database]:
    name = f"contract_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    mongo_client.drop_database(name)


def ids(documents: Iterable[dict[str, Any]]) -> list[Any]:
    return [document["_id"] for document in documents]


# --- Known defects of nx-27017 ---------------------------------------------


SET_WRITES = {
    "update_one": lambda items: items.update_one({"_id": 1}, {"$set": {"finished_at": MOMENT}}),
    "update_many": lambda items: items.update_many({"_id": 1}, {"$set": {"finished_at": MOMENT}}),
    "find_one_and_update": lambda items: items.find_one_and_update(
        {"_id": 1}, {"$set": {"finished_at": MOMENT}}
    ),
    "bulk_write": lambda items: items.bulk_write(
        [UpdateOne({"_id": 1}, {"$set": {"finished_at": MOMENT}})]
    ),
}


@pytest.mark.parametrize("write", SET_WRITES.values(), ids=SET_WRITES.keys())
def test_datetime_written_by_set_comes_back_as_a_string_on_nx(
    db: Database, server_is_nx: bool, write: Any
) -> None:
    db.items.insert_one({"_id": 1})

    write(db.items)

    stored = db.items.find_one({"_id": 1})["finished_at"]
    if server_is_nx:
        assert stored == "2024-05-01 12:30:15.123000"
    else:
        assert stored == MOMENT


def test_boolean_written_by_set_comes_back_as_an_integer_on_nx(
    db: Database, server_is_nx: bool
) -> None:
    db.items.insert_one({"_id": 1, "inserted": True})

    db.items.update_one({"_id": 1}, {"$set": {"updated": True}})

    stored = db.items.find_one({"_id": 1})
    assert stored["inserted"] is True
    if server_is_nx:
        assert stored["updated"] == 1 and stored["updated"] is not True
    else:
        assert stored["updated"] is True
    # Queries match either way.
    assert db.items.count_documents({"updated": True}) == 1


def test_group_on_a_compound_id_collapses_into_one_group_on_nx(
    db: Database, server_is_nx: bool
) -> None:
    db.changes.insert_many(
        [{"a": a, "b": b, "lines": 1} for a in "xy" for b in "pq" for _ in range(2)]
    )

    groups = list(
        db.changes.aggregate(
            [{"$group": {"_id": {"a": "$a", "b": "$b"}, "lines": {"$sum": "$lines"}}}]
        )
    )

    if server_is_nx:
        # The field paths are not even evaluated: the literal spec is the key.
        assert groups == [{"_id": {"a": "$a", "b": "$b"}, "lines": 8}]
    else:
        assert sorted((g["_id"]["a"], g["_id"]["b"], g["lines"]) for g in groups) == [
            ("x", "p", 2),
            ("x", "q", 2),
            ("y", "p", 2),
            ("y", "q", 2),
        ]


def test_find_one_and_update_upsert_ignores_set_on_insert_on_nx(
    db: Database, server_is_nx: bool
) -> None:
    returned = db.counters.find_one_and_update(
        {"key": "a"},
        {"$setOnInsert": {"name": "A"}, "$inc": {"count": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )

    stored = db.counters.find_one({"key": "a"})
    if server_is_nx:
        assert "name" not in returned
        assert "name" not in stored
    else:
        assert returned["name"] == stored["name"] == "A"


def test_object_id_in_a_field_other_than_id_matches_nothing_on_nx(
    db: Database, server_is_nx: bool
) -> None:
    oid = ObjectId()
    db.commits.insert_one({"repo_id": oid, "pending": oid, "x": 1})

    found = db.commits.count_documents({"repo_id": oid})
    listed = list(db.commits.find({"repo_id": oid}, {"_id": 0, "x": 1}))
    updated = db.commits.update_many({"pending": oid}, {"$unset": {"pending": ""}})

    if server_is_nx:
        assert (found, listed, updated.matched_count) == (0, [], 0)
        assert "pending" in db.commits.find_one()
    else:
        assert (found, listed, updated.matched_count) == (1, [{"x": 1}], 1)
        assert "pending" not in db.commits.find_one()


def test_object_id_matches_by_id_except_when_counting_on_nx(
    db: Database, server_is_nx: bool
) -> None:
    oid = ObjectId()
    db.repos.insert_one({"_id": oid, "x": 1})

    assert db.repos.find_one({"_id": oid}) == {"_id": oid, "x": 1}
    assert db.repos.update_one({"_id": oid}, {"$set": {"x": 2}}).matched_count == 1
    assert db.repos.find_one({"_id": oid}) == {"_id": oid, "x": 2}
    # count_documents runs as an aggregation, which has the same defect as
    # fields other than _id.
    assert db.repos.count_documents({"_id": oid}) == (0 if server_is_nx else 1)
    assert db.repos.delete_one({"_id": oid}).deleted_count == 1


def test_hex_string_matches_an_object_id_on_nx(db: Database, server_is_nx: bool) -> None:
    oid = ObjectId()
    db.repos.insert_one({"_id": oid, "owner_id": oid})

    by_id = ids(db.repos.find({"_id": str(oid)}))
    counted_by_field = db.repos.count_documents({"owner_id": str(oid)})

    # A forgotten ObjectId(...) conversion goes unnoticed on nx-27017.
    if server_is_nx:
        assert (by_id, counted_by_field) == ([oid], 1)
    else:
        assert (by_id, counted_by_field) == ([], 0)


def test_replace_one_upsert_ignores_the_filter_id_on_nx(db: Database, server_is_nx: bool) -> None:
    result = db.summaries.replace_one({"_id": "user-1"}, {"commits": 3}, upsert=True)

    stored = list(db.summaries.find())
    if server_is_nx:
        assert isinstance(result.upserted_id, ObjectId)
        assert stored == [{"_id": result.upserted_id, "commits": 3}]
    else:
        assert result.upserted_id == "user-1"
        assert stored == [{"_id": "user-1", "commits": 3}]


# --- Behaviour we rely on, on every server ----------------------------------


def test_group_on_a_single_field_sums_per_value(db: Database) -> None:
    db.changes.insert_many([{"a": a, "lines": 1} for a in "xxy"])

    groups = db.changes.aggregate([{"$group": {"_id": "$a", "lines": {"$sum": "$lines"}}}])

    assert sorted((g["_id"], g["lines"]) for g in groups) == [("x", 2), ("y", 1)]


def test_datetime_written_by_insert_one_round_trips(db: Database) -> None:
    db.items.insert_one({"_id": 1, "at": MOMENT})

    assert db.items.find_one({"_id": 1})["at"] == MOMENT


def test_datetime_written_by_replace_one_round_trips(db: Database) -> None:
    db.items.insert_one({"_id": 1})

    db.items.replace_one({"_id": 1}, {"at": MOMENT})

    assert db.items.find_one({"_id": 1}) == {"_id": 1, "at": MOMENT}


def test_datetime_written_by_set_on_insert_of_update_one_round_trips(
    db: Database,
) -> None:
    db.items.update_one({"_id": 1}, {"$setOnInsert": {"created_at": MOMENT}}, upsert=True)

    assert db.items.find_one({"_id": 1})["created_at"] == MOMENT


def test_update_one_upsert_applies_set_on_insert_only_when_inserting(
    db: Database,
) -> None:
    for name in ("first", "second"):
        db.counters.update_one(
            {"key": "a"},
            {"$setOnInsert": {"name": name}, "$inc": {"count": 1}},
            upsert=True,
        )

    assert db.counters.find_one({"key": "a"}, {"_id": 0}) == {
        "key": "a",
        "name": "first",
        "count": 2,
    }


def test_unique_compound_index_rejects_a_duplicate(db: Database) -> None:
    db.commits.create_index([("repo", 1), ("sha", 1)], unique=True)
    db.commits.insert_one({"repo": "r", "sha": "a"})

    with pytest.raises(DuplicateKeyError):
        db.commits.insert_one({"repo": "r", "sha": "a"})


def test_unordered_insert_many_inserts_the_rest_and_reports_only_duplicates(
    db: Database,
) -> None:
    db.commits.create_index([("repo", 1), ("sha", 1)], unique=True)
    db.commits.insert_one({"repo": "r", "sha": "a"})
    batch = [
        {"repo": "r", "sha": "b"},
        {"repo": "r", "sha": "a"},  # already stored
        {"repo": "r", "sha": "c"},
        {"repo": "s", "sha": "a"},  # same sha, other repo: not a duplicate
        {"repo": "r", "sha": "c"},  # duplicate within the batch
    ]

    with pytest.raises(BulkWriteError) as raised:
        db.commits.insert_many(batch, ordered=False)

    details = raised.value.details
    assert [(e["index"], e["code"]) for e in details["writeErrors"]] == [
        (1, 11000),
        (4, 11000),
    ]
    assert details["nInserted"] == 3
    stored = db.commits.find({}, {"_id": 0, "repo": 1, "sha": 1})
    assert sorted((c["repo"], c["sha"]) for c in stored) == [
        ("r", "a"),
        ("r", "b"),
        ("r", "c"),
        ("s", "a"),
    ]


def test_find_one_and_update_upsert_increments_and_returns_the_new_document(
    db: Database,
) -> None:
    first = db.counters.find_one_and_update(
        {"key": "a"},
        {"$inc": {"count": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    second = db.counters.find_one_and_update(
        {"key": "a"},
        {"$inc": {"count": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )

    assert first["count"] == 1
    assert second == {"_id": first["_id"], "key": "a", "count": 2}
    assert db.counters.count_documents({}) == 1


def test_concurrent_upserting_increments_are_never_lost(db: Database) -> None:
    def increment_25_times() -> None:
        for _ in range(25):
            db.counters.find_one_and_update({"key": "a"}, {"$inc": {"count": 1}}, upsert=True)

    threads = [threading.Thread(target=increment_25_times) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert list(db.counters.find({}, {"_id": 0})) == [{"key": "a", "count": 200}]


@pytest.mark.parametrize("return_document", [ReturnDocument.BEFORE, ReturnDocument.AFTER])
def test_find_one_and_update_without_a_match_returns_none(
    db: Database, return_document: bool
) -> None:
    db.items.insert_one({"_id": 1, "state": "done"})

    result = db.items.find_one_and_update(
        {"state": "queued"},
        {"$set": {"state": "claimed"}},
        return_document=return_document,
    )

    assert result is None
    assert db.items.find_one({"_id": 1}) == {"_id": 1, "state": "done"}


def test_concurrent_claims_never_take_the_same_document_twice(db: Database) -> None:
    db.jobs.insert_many([{"_id": n, "state": "queued"} for n in range(200)])
    claimed_by: dict[str, list[int]] = {}

    def claim_until_empty(me: str) -> None:
        mine = claimed_by.setdefault(me, [])
        while job := db.jobs.find_one_and_update(
            {"state": "queued"}, {"$set": {"state": "claimed", "by": me}}
        ):
            mine.append(job["_id"])

    workers = [threading.Thread(target=claim_until_empty, args=(f"worker-{n}",)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    all_claims = [job for jobs in claimed_by.values() for job in jobs]
    assert sorted(all_claims) == list(range(200))
    for me, jobs in claimed_by.items():
        assert db.jobs.count_documents({"by": me}) == len(jobs)
    assert db.jobs.count_documents({"state": "queued"}) == 0


def test_object_ids_stored_as_hex_strings_match(db: Database) -> None:
    repo_id, run_id = str(ObjectId()), str(ObjectId())
    db.commits.insert_one({"repo_id": repo_id, "pending": run_id, "x": 1})

    assert db.commits.count_documents({"repo_id": repo_id}) == 1
    assert [c["x"] for c in db.commits.find({"repo_id": repo_id})] == [1]
    result = db.commits.update_many({"pending": run_id}, {"$unset": {"pending": ""}})
    assert result.modified_count == 1
    assert db.commits.find_one({}, {"_id": 0}) == {"repo_id": repo_id, "x": 1}


def test_replace_one_upsert_with_the_id_in_the_replacement_inserts_then_replaces(
    db: Database,
) -> None:
    first = db.summaries.replace_one(
        {"_id": "user-1"}, {"_id": "user-1", "commits": 3}, upsert=True
    )
    second = db.summaries.replace_one({"_id": "user-1"}, {"_id": "user-1", "lines": 9}, upsert=True)

    assert first.upserted_id == "user-1"
    assert (second.matched_count, second.upserted_id) == (1, None)
    assert list(db.summaries.find()) == [{"_id": "user-1", "lines": 9}]


def test_update_one_upsert_keeps_the_filter_id(db: Database) -> None:
    result = db.users.update_one({"_id": "s"}, {"$set": {"username": "sam"}}, upsert=True)

    assert result.upserted_id == "s"
    assert list(db.users.find()) == [{"_id": "s", "username": "sam"}]


def test_delete_many_with_in_deletes_only_the_listed(db: Database) -> None:
    db.items.insert_many([{"_id": n} for n in range(5)])

    result = db.items.delete_many({"_id": {"$in": [0, 2, 99]}})

    assert result.deleted_count == 2
    assert sorted(ids(db.items.find())) == [1, 3, 4]


def test_update_many_sets_strings_ints_and_floats(db: Database) -> None:
    db.items.insert_many([{"_id": n, "n": n} for n in range(4)])

    result = db.items.update_many(
        {"n": {"$lt": 3}}, {"$set": {"label": "small", "count": 7, "share": 1.25}}
    )

    assert result.modified_count == 3
    assert db.items.find_one({"_id": 0}) == {
        "_id": 0,
        "n": 0,
        "label": "small",
        "count": 7,
        "share": 1.25,
    }
    assert db.items.find_one({"_id": 3}) == {"_id": 3, "n": 3}


@pytest.fixture
def numbers(db: Database) -> Database:
    """Ten documents: int `i`, float `half` = i/2, `odd` only on odd ones."""
    db.numbers.insert_many(
        [
            {"_id": i, "i": i, "half": i / 2, "name": str(i)} | ({"odd": True} if i % 2 else {})
            for i in range(10)
        ]
    )
    return db


def test_range_query_on_ints(numbers: Database) -> None:
    assert sorted(ids(numbers.numbers.find({"i": {"$lt": 3}}))) == [0, 1, 2]


def test_range_query_on_floats(numbers: Database) -> None:
    assert sorted(ids(numbers.numbers.find({"half": {"$gte": 3.5}}))) == [7, 8, 9]


def test_range_query_compares_ints_with_floats(numbers: Database) -> None:
    assert sorted(ids(numbers.numbers.find({"i": {"$gte": 7.5}}))) == [8, 9]


def test_exists_query(numbers: Database) -> None:
    assert sorted(ids(numbers.numbers.find({"odd": {"$exists": True}}))) == [1, 3, 5, 7, 9]
    assert sorted(ids(numbers.numbers.find({"odd": {"$exists": False}}))) == [0, 2, 4, 6, 8]


def test_in_query(numbers: Database) -> None:
    found = numbers.numbers.find({"name": {"$in": ["1", "5", "nope"]}})

    assert sorted(ids(found)) == [1, 5]


def test_sort_skip_and_limit(numbers: Database) -> None:
    assert ids(numbers.numbers.find().sort("half", DESCENDING).limit(3)) == [9, 8, 7]
    assert ids(numbers.numbers.find().sort("i").skip(2).limit(3)) == [2, 3, 4]


def test_projection_includes_or_excludes_fields(numbers: Database) -> None:
    collection = numbers.numbers

    assert collection.find_one({"_id": 3}, {"name": 1}) == {"_id": 3, "name": "3"}
    assert collection.find_one({"_id": 3}, {"name": 1, "_id": 0}) == {"name": "3"}
    assert collection.find_one({"_id": 3}, {"name": 0, "half": 0}) == {
        "_id": 3,
        "i": 3,
        "odd": True,
    }


def test_count_documents(numbers: Database) -> None:
    assert numbers.numbers.count_documents({}) == 10
    assert numbers.numbers.count_documents({"i": {"$gte": 5}}) == 5


def test_bulk_write_mixes_upserts_and_deletes(db: Database) -> None:
    db.items.insert_many([{"_id": 1, "n": 1}, {"_id": 2, "n": 2}])

    result = db.items.bulk_write(
        [
            UpdateOne({"_id": 1}, {"$set": {"n": 10}}, upsert=True),
            UpdateOne({"_id": 3}, {"$set": {"n": 3}}, upsert=True),
            DeleteOne({"_id": 2}),
            DeleteOne({"_id": 99}),
        ]
    )

    assert (result.matched_count, result.modified_count) == (1, 1)
    assert (result.upserted_ids, result.deleted_count) == ({1: 3}, 1)
    assert sorted(db.items.find(), key=lambda d: d["_id"]) == [
        {"_id": 1, "n": 10},
        {"_id": 3, "n": 3},
    ]


def test_dotted_set_creates_and_merges_nested_fields(db: Database) -> None:
    db.repos.insert_one({"_id": 1})

    db.repos.update_one({"_id": 1}, {"$set": {"totals.added": 1, "totals.lang": "py"}})
    db.repos.update_one({"_id": 1}, {"$set": {"totals.added": 2}})
    db.repos.update_one({"_id": 1}, {"$inc": {"totals.commits": 3}})

    assert db.repos.find_one({"_id": 1}) == {
        "_id": 1,
        "totals": {"added": 2, "lang": "py", "commits": 3},
    }
    assert ids(db.repos.find({"totals.added": 2})) == [1]


def test_unset_removes_top_level_and_nested_fields(db: Database) -> None:
    db.repos.insert_one({"_id": 1, "error": "x", "totals": {"added": 1, "lang": "py"}})

    db.repos.update_one({"_id": 1}, {"$unset": {"error": "", "totals.lang": ""}})

    assert db.repos.find_one({"_id": 1}) == {"_id": 1, "totals": {"added": 1}}


def test_push_appends_to_an_array_creating_it(db: Database) -> None:
    db.repos.insert_one({"_id": 1})

    db.repos.update_one({"_id": 1}, {"$push": {"log": "a"}})
    db.repos.update_one({"_id": 1}, {"$push": {"log": {"$each": ["b", "c"]}}})

    assert db.repos.find_one({"_id": 1})["log"] == ["a", "b", "c"]


@pytest.fixture
def commits(db: Database) -> Database:
    """Commits of repositories `r` and `s`; `b` and `d` are pending in run `run-1`."""
    db.commits.insert_many(
        [
            {"_id": "a", "repo_id": "r"},
            {"_id": "b", "repo_id": "r", "pending": "run-1"},
            {"_id": "c", "repo_id": "s"},
            {"_id": "d", "repo_id": "s", "pending": "run-1"},
            {"_id": "e", "repo_id": "t"},
        ]
    )
    return db


def test_in_on_strings_combined_with_not_exists(commits: Database) -> None:
    published = {"repo_id": {"$in": ["r", "s", "nope"]}, "pending": {"$exists": False}}

    assert sorted(ids(commits.commits.find(published))) == ["a", "c"]
    assert commits.commits.count_documents(published) == 2


def test_not_exists_combined_with_an_equal_field(commits: Database) -> None:
    published = {"repo_id": "r", "pending": {"$exists": False}}

    assert ids(commits.commits.find(published)) == ["a"]
    assert commits.commits.count_documents(published) == 1


def test_delete_many_with_exists_deletes_only_that_repositorys_pending(
    commits: Database,
) -> None:
    result = commits.commits.delete_many({"repo_id": "r", "pending": {"$exists": True}})

    assert result.deleted_count == 1
    assert sorted(ids(commits.commits.find())) == ["a", "c", "d", "e"]


def test_update_many_unsets_a_field_matched_by_strings(commits: Database) -> None:
    result = commits.commits.update_many(
        {"repo_id": "r", "pending": "run-1"}, {"$unset": {"pending": ""}}
    )

    assert (result.matched_count, result.modified_count) == (1, 1)
    assert commits.commits.find_one({"_id": "b"}) == {"_id": "b", "repo_id": "r"}
    assert ids(commits.commits.find({"pending": {"$exists": True}})) == ["d"]


def test_sort_on_strings_compares_them_bytewise(db: Database) -> None:
    names = ["b", "a", "C", "10", "9"]
    db.users.insert_many([{"_id": n, "name": name} for n, name in enumerate(names)])

    found = [u["name"] for u in db.users.find().sort("name", ASCENDING)]

    assert found == ["10", "9", "C", "a", "b"]
