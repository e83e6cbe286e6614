"""Summing stored commit statistics into what a CV shows."""

from __future__ import annotations

from app.statistics.model import CommitStats, LineCounts, Role
from app.statistics.summary import hiding_languages, summarize


def commit(sha: str, role: Role, **languages: tuple[int, int]) -> CommitStats:
    return CommitStats(sha=sha, authored_at=1_700_000_000, role=role,
                       languages={name: LineCounts(*counts) for name, counts in languages.items()})


def test_a_hidden_language_leaves_own_and_coauthored_lines_but_not_the_commits() -> None:
    commits = [commit("a", Role.AUTHOR, Go=(10, 2), Python=(5, 1)),
               commit("b", Role.COAUTHOR, Go=(7, 7), Python=(3, 0))]
    summary = summarize(hiding_languages(commits, ["Go"]))
    assert (summary.commits, summary.lines_added, summary.lines_removed) == (1, 5, 1)
    assert (summary.coauthored_commits, summary.coauthored_lines_added) == (1, 3)
    assert set(summary.languages) == {"Python"}


def test_a_commit_seen_in_two_repositories_counts_once() -> None:
    summary = summarize([commit("a", Role.AUTHOR, Python=(5, 0)),
                         commit("a", Role.AUTHOR, Python=(5, 0))])
    assert (summary.commits, summary.lines_added) == (1, 5)
