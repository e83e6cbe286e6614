"""Cross-check the collector's numbers against an independent `git log --numstat`.

    .venv/bin/python -m bench.crosscheck REPO [--email EMAIL ...]

The independent side is deliberately naive: text-mode `git log --numstat` read
line by line, no -z, no shared code. It counts every line of the identity's own
non-merge commits, so it is compared with the collector's counted lines plus
the lines its exclusion rules set aside.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from app.collector.collect import CollectionRequest, collect
from app.collector.memory_sink import MemorySink
from app.collector.repository import GitRepository
from app.statistics.summary import summarize
from bench.collector import most_active_email


def plain_numbers(repo: Path, emails: list[str]) -> dict[str, int]:
    git = ["git", "--git-dir", str(repo)]
    authors = [f"--author=<{email}>" for email in emails]
    selection = ["--fixed-strings", "--regexp-ignore-case", *authors, "HEAD"]
    log = subprocess.run([*git, "-c", "core.quotepath=off", "log", "--no-merges", "--numstat",
                          "--format=", "-M", *selection],
                         capture_output=True, check=True).stdout
    added = removed = 0
    for line in log.splitlines():
        fields = line.split(b"\t")
        if len(fields) >= 3 and fields[0] != b"-":
            added += int(fields[0])
            removed += int(fields[1])

    def count(*options: str) -> int:
        # `git log`, not `rev-list --count`: only log matches --author after .mailmap.
        output = subprocess.run([*git, "log", "--format=%H", *options, *selection],
                                capture_output=True, check=True, text=True).stdout
        return len(output.split())

    return {"commits": count("--no-merges"), "merges": count("--merges"),
            "lines_added": added, "lines_removed": removed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--email", action="append", dest="emails")
    args = parser.parse_args()
    repository = GitRepository(args.repo)
    emails = [e.lower() for e in (args.emails or [most_active_email(repository.git_dir)])]
    sink = MemorySink()
    collect(repository, CollectionRequest(emails=frozenset(emails)), sink)
    summary = summarize(sink.commits.values())
    collector = {
        "commits": summary.commits,
        "merges": summary.merges,
        "lines_added": summary.lines_added + sum(c.added for c in summary.excluded.values()),
        "lines_removed": summary.lines_removed
        + sum(c.removed for c in summary.excluded.values()),
    }
    plain = plain_numbers(repository.git_dir, sorted(repository.mailmapped_emails(emails)))
    print(f"{args.repo} for {', '.join(emails)}")
    print(f"{'':16}{'collector':>12}{'git numstat':>14}")
    for key, value in collector.items():
        verdict = "match" if value == plain[key] else "DIFFERENT"
        print(f"{key:16}{value:>12,}{plain[key]:>14,}  {verdict}")
    print(f"(counted {summary.lines_added:,} added lines; set aside by rule: "
          + ", ".join(f"{r} +{c.added:,}" for r, c in sorted(summary.excluded.items())) + ")")


if __name__ == "__main__":
    main()
