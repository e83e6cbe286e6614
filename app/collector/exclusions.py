"""Decide which changed files count towards a developer's statistics.

Follows GitHub Linguist: vendored code, lockfiles, minified and generated files
are left out, and a repository's .gitattributes (`linguist-vendored`,
`linguist-generated`) can override the built-in rules either way.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from app.collector.globs import GlobPattern
from app.collector.languages import language_named


class ExclusionReason(StrEnum):
    """Why a file's lines were left out of the statistics."""

    VENDORED = "vendored"
    LOCKFILE = "lockfile"
    GENERATED = "generated"
    MINIFIED = "minified"
    # Whole commits too large to be hand-written; decided by the caller, never by a path.
    OUTLIER = "outlier"
    USER_RULE = "user rule"


# Folder names that hold someone else's code wherever they appear. `external/` is
# left out on purpose: projects often keep their own integrations there.
_VENDORED_FOLDERS = frozenset({
    "node_modules", "bower_components", "jspm_packages", ".yarn",
    "vendor", "vendors",
    "third_party", "third-party", "thirdparty", "ThirdParty", "3rdparty",
    "Pods", "Carthage",
    "site-packages", "venv", ".venv",
})

# Wrapper scripts that build tools copy into a repository verbatim.
_VENDORED_FILES = frozenset({"gradlew", "gradlew.bat", "mvnw", "mvnw.cmd"})

_LOCKFILES = frozenset({
    # JavaScript
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "bun.lockb", "bun.lock", "deno.lock",
    # Python
    "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "pixi.lock", "conda-lock.yml",
    # Other ecosystems
    "Cargo.lock", "go.sum", "go.work.sum", "Gemfile.lock", "composer.lock", "mix.lock",
    "pubspec.lock", "Podfile.lock", "Package.resolved", "Cartfile.resolved",
    "packages.lock.json", "paket.lock", "flake.lock", "gradle.lockfile", "conan.lock",
    "shard.lock", "Manifest.toml", "renv.lock", "stack.yaml.lock", "cabal.project.freeze",
    "MODULE.bazel.lock", ".terraform.lock.hcl",
})

# Compared against the lower-cased file name.
_MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", ".min.css", "-min.js", "-min.css")

# Folders that only ever hold tool output. `build/` is not one of them: many projects
# keep hand-written build scripts there, while `dist/` is what bundlers write.
_GENERATED_FOLDERS = frozenset({"dist", "generated", "__generated__", "__snapshots__"})

# Compared against the lower-cased file name.
_GENERATED_SUFFIXES = (
    # Protocol Buffers and gRPC
    "_pb2.py", "_pb2.pyi", "_pb2_grpc.py", ".pb.go", ".pb.gw.go", ".pb.cc", ".pb.h",
    "_pb.js", "_pb.d.ts", "_grpc_pb.js", ".pb.swift", ".pb.dart", ".pbenum.dart",
    ".pbjson.dart", ".pbgrpc.dart",
    # Dart and .NET code generators
    ".g.dart", ".freezed.dart", ".designer.cs", ".g.cs",
    # Source maps
    ".js.map", ".mjs.map", ".css.map",
    # Test snapshots are written by the test runner (`jest -u`), not by hand.
    ".snap",
)
# Marks inside a file name, as in schema_generated.rs or zz_generated.deepcopy.go.
_GENERATED_MARKS = ("_generated.", ".generated.", "zz_generated")


class LinguistOverride(NamedTuple):
    """What .gitattributes says about one path; None where it says nothing."""

    vendored: bool | None = None
    generated: bool | None = None
    language: str | None = None


_ATTRIBUTES = {"linguist-vendored": "vendored", "linguist-generated": "generated",
               "linguist-language": "language"}


class _Rule(NamedTuple):
    pattern: GlobPattern
    # Setting -> True, False, or None for "unspecified" (the `!attr` form); the
    # language setting holds the language's name.
    settings: dict[str, bool | str | None]


class GitAttributes:
    """The linguist settings of a repository's .gitattributes files."""

    def __init__(self, rules: list[_Rule]) -> None:
        # Ordered from weakest to strongest: the last matching rule wins.
        self._rules = rules

    @classmethod
    def parse(cls, files: dict[str, str]) -> "GitAttributes":
        """Read .gitattributes texts keyed by their folder ("" for the repository root).

        Deeper files override shallower ones, and later lines override earlier
        ones, as in git.
        """
        rules = []
        for folder in sorted(files, key=_depth):
            for line in files[folder].splitlines():
                rule = _parse_line(folder, line)
                if rule:
                    rules.append(rule)
        return cls(rules)

    def override(self, path: str) -> LinguistOverride:
        """Return the vendored and generated settings that apply to `path`."""
        found: dict[str, bool | str | None] = {}
        for rule in reversed(self._rules):
            # Only a rule setting something still undecided can change the answer.
            if rule.settings.keys() - found.keys() and rule.pattern.matches(path):
                found = rule.settings | found
        return LinguistOverride(**found)  # type: ignore[arg-type]


def _depth(folder: str) -> int:
    """How many folders deep `folder` is; the root ("") is 0."""
    return folder.count("/") + 1 if folder else 0


def _parse_line(folder: str, line: str) -> _Rule | None:
    """Turn one .gitattributes line into a rule, or None if it sets nothing we use."""
    words = line.split()
    # Blank lines, comments and macro definitions name no files.
    if not words or words[0].startswith(("#", "[attr]")):
        return None
    pattern, *attributes = words
    settings: dict[str, bool | str | None] = {}
    for attribute in attributes:
        name, _, value = attribute.partition("=")
        # Like Linguist, any value but "false" counts as set.
        state: bool | str | None = value != "false"
        if name.startswith("-"):
            name, state = name[1:], False
        elif name.startswith("!"):
            name, state = name[1:], None
        if name == "linguist-language":
            state = language_named(value) if state and value else None
        if name in _ATTRIBUTES:
            settings[_ATTRIBUTES[name]] = state
    if not settings:
        return None
    return _Rule(GlobPattern(pattern, folder), settings)


class UserRule(NamedTuple):
    """A user's own rule: a gitignore-style pattern whose files count or do not."""

    pattern: str
    include: bool


class ExclusionRules:
    """Linguist-like rules deciding whether a path's lines are left out; the user's
    own rules come first, the last matching one winning."""

    def __init__(self, attributes: GitAttributes | None = None,
                 user_rules: Sequence[UserRule] = ()) -> None:
        self._attributes = attributes
        self._user_rules = [(GlobPattern(rule.pattern), rule.include)
                            for rule in reversed(user_rules)]

    def override(self, path: str) -> LinguistOverride:
        """What the repository's .gitattributes say about `path`."""
        return self._attributes.override(path) if self._attributes else LinguistOverride()

    def reason(self, path: str) -> ExclusionReason | None:
        """Return why `path` is left out of the statistics, or None if it counts.

        `path` is relative to the repository root, with `/` separators.
        """
        for pattern, include in self._user_rules:
            if pattern.matches(path):
                return None if include else ExclusionReason.USER_RULE
        override = self.override(path)
        *folders, name = path.split("/")
        vendored = override.vendored
        if vendored is None:
            vendored = name in _VENDORED_FILES or not _VENDORED_FOLDERS.isdisjoint(folders)
        if vendored:
            return ExclusionReason.VENDORED
        # Linguist treats lockfiles and minified files as generated, so
        # `linguist-generated=false` keeps them too.
        if override.generated is not None:
            return ExclusionReason.GENERATED if override.generated else None
        if name in _LOCKFILES:
            return ExclusionReason.LOCKFILE
        lowered = name.lower()
        if lowered.endswith(_MINIFIED_SUFFIXES):
            return ExclusionReason.MINIFIED
        if (
            lowered.endswith(_GENERATED_SUFFIXES)
            or any(mark in lowered for mark in _GENERATED_MARKS)
            or not _GENERATED_FOLDERS.isdisjoint(folders)
        ):
            return ExclusionReason.GENERATED
        return None
