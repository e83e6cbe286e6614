"""The git log parser: every file change counted once, whatever git prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.collector.gitlog import MalformedLogError, parse_log
from app.collector.repository import GitRepository
from tests.gitrepos import RepoBuilder


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    return RepoBuilder(tmp_path / "repo")


def commits_of(repo: RepoBuilder) -> dict[str, object]:
    return {c.sha: c for c in GitRepository(repo.path).commits(["HEAD"])}


def only_commit(repo: RepoBuilder, sha: str):
    return commits_of(repo)[sha]


def test_root_commit_counts_every_added_line(repo: RepoBuilder) -> None:
    repo.lines("a.py", 10)
    sha = repo.commit()
    commit = only_commit(repo, sha)
    assert commit.parents == []
    assert [(f.path, f.added, f.removed) for f in commit.files] == [("a.py", 10, 0)]


def test_renamed_file_counts_only_changed_lines(repo: RepoBuilder) -> None:
    repo.lines("old/name.py", 50)
    repo.commit()
    (repo.path / "old/name.py").unlink()
    repo.write("new/name.py", "".join(f"line {n}\n" for n in range(49)) + "changed\n")
    sha = repo.commit()
    [change] = only_commit(repo, sha).files
    assert (change.old_path, change.path, change.added, change.removed) == (
        "old/name.py", "new/name.py", 1, 1)


def test_binary_file_is_a_change_without_lines(repo: RepoBuilder) -> None:
    repo.write("logo.png", bytes(range(256)) * 4)
    sha = repo.commit()
    [change] = only_commit(repo, sha).files
    assert change.is_binary and change.added is None and change.removed is None


@pytest.mark.parametrize("name", ["naïve façade.py", "tab\there.py", 'quote"d.py', "back\\slash.py",
                                  "new\nline.py"])
def test_unusual_paths_arrive_verbatim(repo: RepoBuilder, name: str) -> None:
    repo.lines(name, 3)
    sha = repo.commit()
    assert [f.path for f in only_commit(repo, sha).files] == [name]


def test_non_utf8_author_name_keeps_the_commit(repo: RepoBuilder) -> None:
    repo.lines("a.txt", 1)
    sha = repo.commit(name=b"J\xf6rg Latin1")
    # git itself re-encodes names that are not UTF-8 as Latin-1.
    assert only_commit(repo, sha).author_name == "Jörg Latin1"


def test_undecodable_bytes_become_replacement_characters() -> None:
    raw = b"\x01" + b"a" * 40 + b"\x02\x02x@y.z\x02J\xf6rg\x0212\x02\x02s\0\n1\t0\tf\xff.py\0"
    [commit] = parse_log([raw])
    assert (commit.author_name, commit.files[0].path) == ("J\ufffdrg", "f\ufffd.py")


def test_merge_commit_has_two_parents_and_no_files(repo: RepoBuilder) -> None:
    repo.lines("a.py", 2)
    repo.commit()
    repo.git("checkout", "--quiet", "-b", "feature")
    repo.lines("b.py", 2)
    repo.commit()
    repo.git("checkout", "--quiet", "main")
    repo.lines("c.py", 2)
    repo.commit()
    repo.git("merge", "--quiet", "--no-ff", "-m", "merge", "feature")
    merge = only_commit(repo, repo.head())
    assert merge.is_merge and merge.files == []


def test_empty_commit_has_no_files(repo: RepoBuilder) -> None:
    repo.lines("a.py", 1)
    repo.commit()
    sha = repo.commit("nothing")
    commit = only_commit(repo, sha)
    assert commit.files == [] and commit.subject == "nothing"


def test_commit_touching_twenty_thousand_files(repo: RepoBuilder) -> None:
    for n in range(20_000):
        repo.write(f"gen/{n % 100}/f{n}.txt", f"{n}\n")
    sha = repo.commit()
    commit = only_commit(repo, sha)
    assert len(commit.files) == 20_000
    assert sum(f.added for f in commit.files) == 20_000


def test_coauthor_trailers_are_read_as_lowercase_emails(repo: RepoBuilder) -> None:
    repo.lines("a.py", 1)
    sha = repo.commit("feat: pair\n\nCo-authored-by: Ann <Ann@Example.com>\n"
                      "co-authored-by: Bob <bob@example.com>")
    assert only_commit(repo, sha).coauthor_emails == ["ann@example.com", "bob@example.com"]


def test_output_split_anywhere_parses_the_same() -> None:
    raw = (b"\x01" + b"a" * 40 + b"\x02\x02x@y.z\x02X\x0212\x02\x02subject\0"
           b"\n3\t1\tsrc/a.py\0" b"1\t1\t\0old.py\0new.py\0" b"-\t-\timg.png\0")
    whole = list(parse_log([raw]))
    byte_by_byte = list(parse_log(raw[i:i + 1] for i in range(len(raw))))
    assert whole == byte_by_byte
    assert [(f.path, f.old_path, f.added) for f in whole[0].files] == [
        ("src/a.py", None, 3), ("new.py", "old.py", 1), ("img.png", None, None)]


def test_file_entry_before_header_is_rejected() -> None:
    with pytest.raises(MalformedLogError):
        list(parse_log([b"1\t2\tpath\0"]))
