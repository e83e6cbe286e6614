"""Benchmark: the scale-out work queue, from queued repositories to stored statistics.

    .venv/bin/python -m bench.scheduling [--repos N] [--users 50] [--records 100000]

N defaults to 2000 against MONGODB_URI but to 800 against the embedded server:
there every stored-commit count scans the whole commits collection, so a drain
costs about N squared, and 1000 repositories already took ~9.5 minutes for the
two drains on 2 cores.

Runs, in one process run, against the embedded database in a temporary folder
(or the server in MONGODB_URI, in a database of its own that is dropped):
  * generates N small bare repositories with `git fast-import` (5-20 commits by
    one or two of the owner's emails, sometimes another author, a few files),
    and one repository record each, spread over --users users (the job refreshes
    the owner's summary after every repository, a cost that grows with the
    owner's repository count: spreading keeps this a queue benchmark);
  * drains the queue with ONE worker process, then, after resetting every
    record to queued, with TWO; each process builds its own CollectionJob and
    CollectionWorker and calls run_pending() until nothing is left, and the
    time runs from the moment all processes are ready until the last one ends;
  * checks after each drain that every record is 'done' and that the stored
    own commits equal the generated ones, with no commit stored twice;
  * times the leader's scheduling pass (RepositoryStore.queue_due) over
    --records repository records of which about 1% are due (median of several
    passes), claim_next among them, and Reaper.sweep() with about 100 running.
Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

from pymongo.database import Database

from app.collector.mirror_cache import MirrorCache
from app.scheduling.collection_job import CollectionJob, CollectionSettings
from app.scheduling.reaper import Reaper
from app.scheduling.worker import CollectionWorker
from app.storage.database import connect, create_indexes
from app.storage.embedded import PID_FILE_NAME, EmbeddedMongo
from app.storage.repositories import RepositoryStore, State, display_name
from app.storage.users import UserStore

QUEUE_DATABASE = "bench_scheduling_queue"
SCHEDULE_DATABASE = "bench_scheduling_pass"
OTHER_AUTHOR = "someone.else@example.com"
EPOCH = 1_600_000_000
FILES = ("README.md", "src/app.py", "src/util.py", "web/index.js", "docs/guide.md")
MIRROR_BUDGET_BYTES = 1 << 40
SCHEDULE_PASSES = 7
REAPER_SWEEPS = 7
INSERT_BATCH = 5_000
DEFAULT_REPOS = 2000
# The largest round N whose run stays under ~10 minutes on 2 cores (see above).
DEFAULT_REPOS_EMBEDDED = 800


@dataclass(frozen=True)
class GeneratedRepository:
    path: Path
    user: int
    own_commits: int


def user_id(user: int) -> str:
    return f"bench-user-{user:03d}"


def user_emails(user: int) -> list[str]:
    return [f"dev{user}@example.com", f"dev{user}@users.example.org"]


# Generation

def fast_import_stream(rng: random.Random, emails: list[str]) -> tuple[bytes, int]:
    """A history of 5-20 commits on main; returns the stream and its own commits."""
    authors = rng.sample(emails, rng.randint(1, 2))
    lines: list[bytes] = []
    own = 0
    when = EPOCH + rng.randrange(10_000_000)
    contents = dict.fromkeys(rng.sample(FILES, rng.randint(2, len(FILES))), b"")
    for mark in range(1, rng.randint(5, 20) + 1):
        author = OTHER_AUTHOR if rng.random() < 0.15 else rng.choice(authors)
        own += author != OTHER_AUTHOR
        when += rng.randrange(600, 86_400)
        message = f"Change {mark}\n".encode()
        if author == OTHER_AUTHOR and rng.random() < 0.5:
            message += f"\nCo-authored-by: Dev <{authors[0]}>\n".encode()
        lines += [b"commit refs/heads/main", b"mark :%d" % mark,
                  b"author Dev <%s> %d +0000" % (author.encode(), when),
                  b"committer Dev <%s> %d +0000" % (author.encode(), when),
                  b"data %d" % len(message), message]
        if mark > 1:
            lines.append(b"from :%d" % (mark - 1))
        for name in rng.sample(list(contents), rng.randint(1, 2)):
            added = b"".join(b"line %d of %s\n" % (rng.randrange(10**6), name.encode())
                             for _ in range(rng.randint(1, 30)))
            contents[name] += added
            lines += [b"M 100644 inline " + name.encode(), b"data %d" % len(contents[name]),
                      contents[name]]
        lines.append(b"")
    return b"\n".join(lines) + b"\n", own


def generate(root: Path, count: int, users: int, seed: int) -> list[GeneratedRepository]:
    """Bare repositories root/NNNNN.git, one `git fast-import` each, in parallel."""
    template = root / "template.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "--template=", "-b", "main",
                    str(template)], check=True)

    def make(index: int) -> GeneratedRepository:
        user = index % users
        stream, own = fast_import_stream(random.Random(seed * 1_000_003 + index),
                                         user_emails(user))
        path = root / f"{index:05d}.git"
        shutil.copytree(template, path)
        subprocess.run(["git", "--git-dir", str(path), "fast-import", "--quiet"],
                       input=stream, check=True)
        return GeneratedRepository(path, user, own)

    with ThreadPoolExecutor(max_workers=2 * len(os.sched_getaffinity(0))) as pool:
        return list(pool.map(make, range(count)))


def register(db: Database, repositories: list[GeneratedRepository], users: int) -> None:
    store = UserStore(db)
    for user in range(users):
        store.ensure(user_id(user), f"dev{user}", f"Developer {user}")
        store.set_emails(user_id(user), user_emails(user))
    records = RepositoryStore(db)
    for repository in repositories:
        records.add(user_id(repository.user), str(repository.path))


# Draining the queue

def drain_worker(uri: str, mirrors: str, name: str, ready: multiprocessing.Queue,
                 go: multiprocessing.Event, results: multiprocessing.Queue) -> None:
    """Entry point of one worker process: collect until the queue is empty."""
    logging.basicConfig(level=logging.WARNING, format=f"{name}: %(levelname)s %(message)s")
    db = connect(uri, QUEUE_DATABASE)
    job = CollectionJob(db, MirrorCache(Path(mirrors), MIRROR_BUDGET_BYTES),
                        CollectionSettings(allow_local_paths=True))
    worker = CollectionWorker(job, RepositoryStore(db), name)
    ready.put(name)
    go.wait()
    collected = worker.run_pending()
    results.put((name, collected, time.monotonic()))


def receive(queue: multiprocessing.Queue, workers: list[multiprocessing.Process]) -> object:
    """The next message, or SystemExit if a worker died instead of sending it."""
    while True:
        try:
            return queue.get(timeout=1.0)
        except Empty:
            if any(worker.exitcode for worker in workers):
                for worker in workers:
                    worker.terminate()
                raise SystemExit("a worker process failed; see its traceback above") from None


def drain(uri: str, mirrors: Path, processes: int) -> tuple[float, list[int]]:
    """Seconds from all workers ready to the last one done, and each one's count."""
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    workers = [context.Process(target=drain_worker,
                               args=(uri, str(mirrors / f"worker-{n}"), f"bench-worker-{n}",
                                     ready, go, results))
               for n in range(processes)]
    for worker in workers:
        worker.start()
    for _ in workers:
        receive(ready, workers)
    started = time.monotonic()
    go.set()
    finished = [receive(results, workers) for _ in workers]
    for worker in workers:
        worker.join()
    return max(at for _, _, at in finished) - started, [count for _, count, _ in finished]


def server_cpu_seconds(server: EmbeddedMongo | None) -> float:
    """CPU time the embedded server has used so far (0 for an external server)."""
    if server is None:
        return 0.0
    pid = (server.data_dir / PID_FILE_NAME).read_text().split()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reset_queue(db: Database) -> None:
    """Back to never collected: no commits, no summaries, every record queued."""
    db.commits.delete_many({})
    db.summaries.delete_many({})
    now = time.time()
    db.repositories.update_many({}, {
        "$set": {"state": State.QUEUED.value, "runs": [], "tips": {}, "identity_key": None,
                 "queued_at": now, "due_at": now, "claim": None, "attempts": 0,
                 "commit_count": 0, "error_code": None, "error_message": None},
    })


def check_drained(db: Database, expected_own: int) -> str:
    """Every record done, stored own commits as generated, none stored twice."""
    records = list(db.repositories.find({}, {"state": True, "runs": True, "commit_count": True}))
    states = Counter(record["state"] for record in records)
    published = {run for record in records for run in record.get("runs", [])}
    stored = list(db.commits.find({"run": {"$in": list(published)}},
                                  {"repo_id": True, "sha": True, "role": True, "merge": True}))
    own = sum(1 for c in stored if c["role"] == "author" and not c["merge"])
    twice = sum(n - 1 for n in Counter((c["repo_id"], c["sha"]) for c in stored).values() if n > 1)
    counted = sum(record.get("commit_count", 0) for record in records)
    leftover = db.commits.count_documents({}) - len(stored)
    ok = (states == {State.DONE.value: len(records)} and own == expected_own == counted
          and not twice and not leftover)
    return (f"{'OK' if ok else 'FAILED'}: states {dict(states)}; own commits stored {own:,}, "
            f"record counts {counted:,}, generated {expected_own:,}; stored twice {twice}; "
            f"unpublished left {leftover}")


# The leader's pass

def repository_document(index: int, now: float, rng: random.Random) -> dict:
    """A collected repository as RepositoryStore.add and publish leave it."""
    source = f"https://git.example.com/team{index % 997}/project{index}.git"
    return {
        "user_id": user_id(index % 5_000), "source": source, "name": display_name(source),
        "branches": [], "state": State.DONE.value, "queued_at": now - 3_600,
        # About 1% due: the rest come due over the next 15 minutes.
        "due_at": now + (rng.random() - 0.01) * 900, "runs": [secrets.token_hex(12)],
        "tips": {"main": secrets.token_hex(20)}, "identity_key": secrets.token_hex(32),
        "last_success_at": now - 600, "last_duration": 1.5, "attempts": 0,
        "commit_count": rng.randrange(1_000), "claim": None, "error_code": None,
        "error_message": None,
    }


def median_ms(timed: Callable[[], object], runs: int,
              before: Callable[[], object] = lambda: None) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        before()
        started = time.perf_counter()
        result = timed()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def scheduling_figures(db: Database, records: int, running: int) -> dict[str, str]:
    create_indexes(db)
    rng = random.Random(7)
    now = time.time()
    started = time.perf_counter()
    for first in range(0, records, INSERT_BATCH):
        batch = [repository_document(i, now, rng)
                 for i in range(first, min(first + INSERT_BATCH, records))]
        for document in batch[: max(0, running - first)]:
            document.update(state=State.COLLECTING.value, claim=secrets.token_hex(12),
                            heartbeat=rng.randrange(50), due_at=now + 900)
        db.repositories.insert_many(batch, ordered=False)
    inserted = time.perf_counter() - started
    store = RepositoryStore(db)

    def unqueue() -> None:
        db.repositories.update_many({"state": State.QUEUED.value},
                                    {"$set": {"state": State.DONE.value, "due_at": now - 1}})

    pass_ms, queued = median_ms(lambda: store.queue_due(now), SCHEDULE_PASSES, unqueue)
    reaper = Reaper(store, lease_seconds=90)
    sweep_ms, requeued = median_ms(reaper.sweep, REAPER_SWEEPS)
    clock = [0.0]
    stale = Reaper(store, lease_seconds=90, clock=lambda: clock[0])
    stale.sweep()
    clock[0] = 1_000.0
    # It logs a warning per requeued record; the count is reported instead.
    logging.getLogger("app.scheduling.reaper").setLevel(logging.ERROR)
    stale_ms, stale_requeued = median_ms(stale.sweep, 1)
    claim_ms, _ = median_ms(lambda: store.claim_next("bench"), SCHEDULE_PASSES)
    return {
        "records inserted (insert_many)": f"{records:,} in {inserted:.1f} s",
        "scheduling pass queue_due, median": f"{pass_ms:.1f} ms  ({queued:,} queued)",
        "claim_next among them, median": f"{claim_ms:.1f} ms",
        "reaper sweep, median": f"{sweep_ms:.1f} ms  ({running} running, {requeued} requeued)",
        "reaper sweep requeuing all stale": f"{stale_ms:.1f} ms  ({stale_requeued} requeued)",
    }


# The run

def database_uri(folder: Path) -> tuple[str, EmbeddedMongo | None]:
    uri = os.environ.get("MONGODB_URI")
    if uri:
        return uri, None
    server = EmbeddedMongo(folder / "mongo")
    return server.start(), server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, help=f"repositories to collect (default "
                        f"{DEFAULT_REPOS}, {DEFAULT_REPOS_EMBEDDED} on the embedded server)")
    parser.add_argument("--users", type=int, default=50, help="owners they are spread over")
    parser.add_argument("--records", type=int, default=100_000,
                        help="repository records for the scheduling pass")
    parser.add_argument("--running", type=int, default=100,
                        help="of those, running ones for the reaper")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.repos is None:
        external = bool(os.environ.get("MONGODB_URI"))
        args.repos = DEFAULT_REPOS if external else DEFAULT_REPOS_EMBEDDED
        if not external:
            print(f"{args.repos} repositories, not {DEFAULT_REPOS}: on the embedded server a "
                  "drain costs about N squared (see the module docstring)", flush=True)
    users = max(1, min(args.users, args.repos))
    run_started = time.perf_counter()
    figures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scheduling-") as temporary:
        folder = Path(temporary)
        uri, server = database_uri(folder)
        try:
            client = connect(uri, QUEUE_DATABASE).client
            for name in (QUEUE_DATABASE, SCHEDULE_DATABASE):
                client.drop_database(name)
            db = client[QUEUE_DATABASE]
            create_indexes(db)

            started = time.perf_counter()
            (folder / "repos").mkdir()
            repositories = generate(folder / "repos", args.repos, users, args.seed)
            generated = time.perf_counter() - started
            register(db, repositories, users)
            expected_own = sum(repository.own_commits for repository in repositories)
            figures["generation (git fast-import)"] = (
                f"{generated:.1f} s  ({args.repos:,} repositories, {expected_own:,} own commits)")
            print(f"generated {args.repos:,} repositories for {users} users in {generated:.1f} s",
                  flush=True)

            throughput = {}
            for processes in (1, 2):
                if processes > 1:
                    reset_queue(db)
                workers_cpu, server_cpu = children_cpu_seconds(), server_cpu_seconds(server)
                seconds, counts = drain(uri, folder / f"mirrors-{processes}", processes)
                workers_cpu = children_cpu_seconds() - workers_cpu
                server_cpu = server_cpu_seconds(server) - server_cpu
                throughput[processes] = args.repos / seconds
                print(f"{processes} worker process(es): {seconds:.1f} s, per worker {counts}; "
                      f"{check_drained(db, expected_own)}", flush=True)
                figures[f"throughput, {processes} worker process(es)"] = (
                    f"{throughput[processes]:.1f} repos/s  ({seconds:.1f} s; CPU s: workers "
                    f"and git {workers_cpu:.0f}, database {server_cpu:.0f})")
            figures["speed-up, 2 workers over 1"] = f"{throughput[2] / throughput[1]:.2f}x"

            figures.update(scheduling_figures(client[SCHEDULE_DATABASE], args.records,
                                              args.running))
            for name in (QUEUE_DATABASE, SCHEDULE_DATABASE):
                client.drop_database(name)
        finally:
            if server is not None:
                server.stop()
    database = "embedded nx-27017" if server else "MONGODB_URI"
    figures["whole run"] = f"{time.perf_counter() - run_started:.0f} s"
    figures["machine"] = f"nproc {len(os.sched_getaffinity(0))}, database {database}"
    width = max(len(name) for name in figures)
    print()
    for name, value in figures.items():
        print(f"{name:<{width}} : {value}")


if __name__ == "__main__":
    main()
