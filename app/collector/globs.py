"""gitignore-style path patterns, as .gitattributes and the user's own rules write them.

Patterns come from repositories anyone can add and from users, so matching must
stay linear however the pattern is built: a regular expression with nested
`**` and `*` backtracks exponentially on deep paths. Both levels, folders
against `**` and characters against `*`, use the classic wildcard walk that
remembers only the last wildcard, which is exact because every other pattern
item matches exactly one folder or character.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Subject = TypeVar("Subject")

# A wildcard in a pattern sequence: any run of subject items, the empty run included.
_ANY_RUN = None
_ANY_CHARACTER = re.compile(".", re.DOTALL)


def _wildcard_match(pattern: Sequence[Item | None], subject: Sequence[Subject],
                    matches: Callable[[Item, Subject], bool]) -> bool:
    """Whether `subject` matches `pattern`, in O(len(pattern) * len(subject))."""
    p = s = 0
    last_run, resume_at = -1, 0
    while s < len(subject):
        if p < len(pattern) and pattern[p] is _ANY_RUN:
            last_run, resume_at = p, s
            p += 1
        elif p < len(pattern) and matches(pattern[p], subject[s]):  # type: ignore[arg-type]
            p += 1
            s += 1
        elif last_run >= 0:
            # Let the last wildcard swallow one more item and try again after it.
            resume_at += 1
            p, s = last_run + 1, resume_at
        else:
            return False
    return all(item is _ANY_RUN for item in pattern[p:])


class _Segment:
    """One folder or file name of a pattern; its wildcards never cross a slash."""

    def __init__(self, text: str) -> None:
        self._items = _segment_items(text)
        wild = any(not isinstance(item, str) for item in self._items)
        self._literal = None if wild else "".join(self._items)  # type: ignore[arg-type]

    def matches(self, name: str) -> bool:
        if self._literal is not None:
            return name == self._literal
        return _wildcard_match(self._items, name, _character_matches)


class _AnyName:
    """The one folder or file a final `/**` needs at least."""

    def matches(self, name: str) -> bool:
        return True


def _character_matches(item: str | re.Pattern[str], char: str) -> bool:
    if isinstance(item, str):
        return item == char
    return item.fullmatch(char) is not None


def _segment_items(segment: str) -> list[str | re.Pattern[str] | None]:
    """Literal characters, one-character classes and wildcard runs of a segment."""
    items: list[str | re.Pattern[str] | None] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        index += 1
        if char == "*":
            if not items or items[-1] is not _ANY_RUN:
                items.append(_ANY_RUN)
        elif char == "?":
            items.append(_ANY_CHARACTER)
        elif char == "\\" and index < len(segment):
            items.append(segment[index])
            index += 1
        elif char == "[" and (end := _class_end(segment, index)) != -1:
            items.append(re.compile(_class_to_regex(segment[index:end])))
            index = end + 1
        else:
            items.append(char)
    return items


def _class_end(segment: str, start: int) -> int:
    """Index of the `]` closing a class that opened just before `start`, or -1."""
    if start < len(segment) and segment[start] in "!^":
        start += 1
    # A `]` right after the opening bracket is a literal member of the class.
    return segment.find("]", start + 1)


def _class_to_regex(body: str) -> str:
    """Translate the inside of `[...]`, keeping ranges and `!`/`^` negation."""
    negated = body[:1] in ("!", "^")
    members = "".join(c if c == "-" else re.escape(c) for c in body[negated:])
    return f"[^/{members}]" if negated else f"[{members}]"


class GlobPattern:
    """A gitignore-style pattern written in the .gitattributes of `folder`.

    A pattern without a slash matches a file name at any depth below `folder`;
    any other pattern is anchored to `folder`. `**/` is zero or more folders and
    a final `/**` everything inside. As in git, a trailing slash (`vendor/`)
    matches folders only, never the files inside them.
    """

    def __init__(self, pattern: str, folder: str = "") -> None:
        if "/" not in pattern:
            pattern = "**/" + pattern
        parts = [*(folder.split("/") if folder else []), *pattern.removeprefix("/").split("/")]
        items: list[_Segment | _AnyName | None] = []
        for index, part in enumerate(parts):
            if part != "**":
                items.append(_Segment(part))
            elif index == len(parts) - 1:
                items.extend([_ANY_RUN, _AnyName()])
            elif not items or items[-1] is not _ANY_RUN:
                items.append(_ANY_RUN)
        self._items = items

    def matches(self, path: str) -> bool:
        return _wildcard_match(self._items, path.split("/"),
                               lambda segment, name: segment.matches(name))
