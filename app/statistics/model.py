"""What the collector records about one commit: numbers only, never code or messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

MAX_EXCLUDED_FILES = 50


class Role(StrEnum):
    """How a commit is credited to the user."""

    AUTHOR = "author"
    COAUTHOR = "coauthor"


@dataclass(slots=True)
class LineCounts:
    added: int = 0
    removed: int = 0

    def add(self, added: int, removed: int) -> None:
        self.added += added
        self.removed += removed


@dataclass(slots=True)
class CommitStats:
    """The statistics of one commit credited to the user.

    `languages` holds only counted lines; lines left out by an exclusion rule are
    in `excluded` under the rule's reason, so nothing disappears silently.
    """

    sha: str
    authored_at: int
    role: Role
    is_merge: bool = False
    kind: str | None = None
    files_changed: int = 0
    outlier: bool = False
    languages: dict[str, LineCounts] = field(default_factory=dict)
    excluded: dict[str, LineCounts] = field(default_factory=dict)
    # Infrastructure kinds touched ("Docker", "Terraform", ...) and third-party
    # packages added to manifests, as (ecosystem, name).
    infrastructure: list[str] = field(default_factory=list)
    packages: list[tuple[str, str]] = field(default_factory=list)
    # Files left out, for the exclusion audit: (path, reason, added, removed),
    # at most MAX_EXCLUDED_FILES per commit.
    excluded_files: list[tuple[str, str, int, int]] = field(default_factory=list)
    # The stored repository id, when loaded from the database.
    repository: str | None = None

    @property
    def lines_added(self) -> int:
        return sum(counts.added for counts in self.languages.values())

    @property
    def lines_removed(self) -> int:
        return sum(counts.removed for counts in self.languages.values())
