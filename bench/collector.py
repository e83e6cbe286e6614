"""Benchmark: the collector end to end against plain `git log --numstat`.

    .venv/bin/python bench/collector.py REPO [--email EMAIL]

Runs, in one process run and on the same machine state, for one identity
(default: the repository's most active author):
  * plain `git log --numstat` selecting the same commits (the authored pass and
    the co-author pass the collector makes), output read and discarded;
  * the collector end to end: git log -> parse -> analyse -> store in the
    embedded database -> summary (the clone is made beforehand and
    not timed);
  * a no-op incremental run on the unchanged repository.
Each timed step runs twice, alternating, and the faster run counts, so a
noisy neighbour hurts both sides alike. Peak RSS is this process's (the
collector); the database server is a separate process.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from pymongo.database import Database

from app.collector.collect import CollectionRequest, _filters, collect
from app.collector.gitlog import LOG_ARGUMENTS
from app.collector.repository import GitRepository
from app.statistics.summary import summarize
from app.storage.commits import CommitStore
from app.storage.database import connect, create_indexes
from app.storage.embedded import EmbeddedMongo
from app.storage.summaries import SummaryStore

BENCH_REPO_ID = "0" * 24


def most_active_email(repo: Path) -> str:
    output = subprocess.run(["git", "--git-dir", str(repo), "shortlog", "-sne", "HEAD"],
                            capture_output=True, check=True, text=True).stdout
    top = max(output.splitlines(), key=lambda line: int(line.split("\t")[0]))
    return top.rsplit("<", 1)[1].rstrip(">").lower()


def plain_git(repo: GitRepository, email: str) -> float:
    started = time.perf_counter()
    emails = repo.mailmapped_emails([email])
    for filters in (_filters("--author", emails, "<%s>"), _filters("--grep", emails, "%s")):
        process = subprocess.Popen(
            ["git", "--git-dir", str(repo.git_dir), "log", *LOG_ARGUMENTS, *filters, "HEAD", "--"],
            stdout=subprocess.PIPE,
        )
        while process.stdout.read(1 << 16):
            pass
        if process.wait():
            raise SystemExit("plain git log failed")
    return time.perf_counter() - started


def collector_run(repo: GitRepository, db: Database, email: str,
                  tips: dict | None) -> tuple[float, float, dict]:
    """Seconds to collect and store, seconds to refresh the summary, new tips."""
    started = time.perf_counter()
    store = CommitStore(db)
    store_run = store.run(BENCH_REPO_ID, "bench")
    outcome = collect(repo, CollectionRequest(emails=frozenset([email]), previous_tips=tips),
                      store_run)
    store_run.flush()
    store_run.delete_dropped()
    if store_run.replaces_all:
        store.delete_unpublished(BENCH_REPO_ID, [store_run.run_id])
    stored = time.perf_counter()
    if not outcome.incremental or outcome.commits_seen or outcome.commits_dropped:
        SummaryStore(db).save("bench", summarize(store.load([store_run.run_id])))
    return stored - started, time.perf_counter() - stored, outcome.tips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a git repository (bare or not)")
    parser.add_argument("--email", help="identity to collect (default: most active author)")
    args = parser.parse_args()
    repository = GitRepository(args.repo)
    email = (args.email or most_active_email(repository.git_dir)).lower()
    total = repository.count_commits(["HEAD"])
    selected = repository.count_commits(
        ["HEAD"], _filters("--author", repository.mailmapped_emails([email]), "<%s>"))
    print(f"repository: {args.repo} ({total:,} commits; {selected:,} by {email})")

    with tempfile.TemporaryDirectory() as folder, EmbeddedMongo(Path(folder)) as server:
        db = connect(server.uri, "bench")
        create_indexes(db)
        plain_times, collector_times, summary_times = [], [], []
        for _ in range(2):
            plain_times.append(plain_git(repository, email))
            db.commits.delete_many({})
            collecting, summarizing, tips = collector_run(repository, db, email, None)
            collector_times.append(collecting)
            summary_times.append(summarizing)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        noop = min(sum(collector_run(repository, db, email, tips)[:2]) for _ in range(5))
        stored = db.commits.count_documents({})

    plain, collector, summary = min(plain_times), min(collector_times), min(summary_times)
    print(f"plain git log --numstat           : {plain:8.2f} s")
    print(f"collector, stored in the database : {collector:8.2f} s   ({stored:,} commits)")
    print(f"  ratio to plain git              : {collector / plain:8.2f}   (target <= 1.15)")
    print(f"summary refresh afterwards        : {summary:8.2f} s")
    print(f"  ratio to plain git, all included: {(collector + summary) / plain:8.2f}")
    print(f"collector peak RSS                : {peak_rss_mb:8.1f} MB (target <= 150)")
    print(f"no-op incremental run             : {noop * 1000:8.1f} ms (target <= 100)")


if __name__ == "__main__":
    main()
