"""Stream commits and their changed files out of one `git log` process.

The whole history is read from a single `git log -z --numstat` run and parsed as
bytes, because one git process per commit is 12-60x slower (see
shared/notes/git-log-facts.md). With `-z` paths arrive raw (no C-quoting) and a
rename is an entry with an empty path followed by the old and the new path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Field and record separators that cannot occur in hashes, emails or timestamps;
# the subject comes last so a stray separator inside it cannot shift fields.
_RECORD = b"\x01"
_FIELD = b"\x02"
_TRAILER_SEPARATOR = "\x1f"

LOG_FORMAT = (
    "--format=%x01%H%x02%P%x02%aE%x02%aN%x02%at"
    "%x02%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x1f)%x02%s"
)
LOG_ARGUMENTS = ("-z", "--numstat", "-M", "--no-color", "--no-ext-diff", LOG_FORMAT)

_EMAIL_IN_TRAILER = re.compile(r"<([^<>]+)>")


class MalformedLogError(ValueError):
    """git printed something this parser does not understand."""


@dataclass(slots=True)
class FileChange:
    """One file a commit touched; binary files have no line counts."""

    path: str
    added: int | None
    removed: int | None
    old_path: str | None = None

    @property
    def is_binary(self) -> bool:
        return self.added is None


@dataclass(slots=True)
class Commit:
    """A commit as `git log` describes it, with every file it changed."""

    sha: str
    parents: list[str]
    author_email: str
    author_name: str
    authored_at: int
    coauthor_emails: list[str]
    subject: str
    files: list[FileChange] = field(default_factory=list)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def _decode(raw: bytes) -> str:
    # Author names and paths are not always UTF-8; a replacement character is
    # better than losing the commit.
    return raw.decode("utf-8", errors="replace")


def _parse_header(token: bytes) -> Commit:
    fields = token[1:].split(_FIELD, 6)
    if len(fields) != 7:
        raise MalformedLogError(f"commit header has {len(fields)} fields, expected 7")
    sha, parents, email, name, authored_at, trailers, subject = fields
    coauthors = [
        match.group(1).strip().lower()
        for value in _decode(trailers).split(_TRAILER_SEPARATOR)
        if (match := _EMAIL_IN_TRAILER.search(value))
    ]
    return Commit(
        sha=sha.decode("ascii"),
        parents=parents.decode("ascii").split(),
        author_email=_decode(email).lower(),
        author_name=_decode(name),
        authored_at=int(authored_at),
        coauthor_emails=coauthors,
        subject=_decode(subject),
    )


def _count(raw: bytes) -> int | None:
    return None if raw == b"-" else int(raw)


def _tokens(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        pieces = (pending + chunk).split(b"\0")
        pending = pieces.pop()
        yield from pieces
    if pending.strip():
        yield pending


def parse_log(chunks: Iterable[bytes]) -> Iterator[Commit]:
    """Yield commits from the raw output of `git log` run with LOG_ARGUMENTS."""
    commit: Commit | None = None
    rename: FileChange | None = None
    rename_paths_missing = 0
    for token in _tokens(chunks):
        if rename is not None:
            # The two tokens after an empty-path entry are the old and new path.
            if rename_paths_missing == 2:
                rename.old_path = _decode(token)
                rename_paths_missing = 1
            else:
                rename.path = _decode(token)
                rename = None
            continue
        if token.startswith(_RECORD):
            if commit is not None:
                yield commit
            commit = _parse_header(token)
            continue
        if commit is None:
            raise MalformedLogError("file entry before any commit header")
        # The first file entry of a commit is preceded by the newline git puts
        # after the header.
        added, removed, path = token.lstrip(b"\n").split(b"\t", 2)
        change = FileChange(_decode(path), _count(added), _count(removed))
        commit.files.append(change)
        if not path:
            rename, rename_paths_missing = change, 2
    if rename is not None:
        raise MalformedLogError("output ended inside a rename entry")
    if commit is not None:
        yield commit
