"""Bare mirrors of the repositories we collect: cloned once, fetched afterwards.

A mirror has no work tree, runs no hooks and fetches no submodules, so a
repository's contents can never execute anything on our machines.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import git

from app.collector.errors import RepositoryError, error_from_git
from app.collector.repository import GitRepository

# Every branch, nothing else: pull-request refs and tags are not the user's work.
_BRANCHES_REFSPEC = "+refs/heads/*:refs/heads/*"
_NO_PROMPTS = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/false", "SSH_ASKPASS": "/bin/false"}
# No hooks, no submodules, and no redirects: a redirect could carry the
# credential header to another host.
_SAFE_OPTIONS = ["-c", "core.hooksPath=/dev/null", "-c", "submodule.recurse=false",
                 "-c", "http.followRedirects=false"]


_REMOTE_URL = re.compile(r"^(https?|ssh|git)://|^[\w.-]+@[\w.-]+:")


def is_remote_url(source: str) -> bool:
    """True for network git URLs (https, ssh, git, scp-like); False for paths and file://."""
    return bool(_REMOTE_URL.match(source))


_SCP_LIKE_WITH_PASSWORD = re.compile(r"^[^/@:]+:[^/@]*@[^/]+:")


def carries_credentials(url: str) -> bool:
    """True for a URL that may hold a secret: a password, a query string
    (?access_token=...), or a user name over http(s) or git://, where the "user
    name" is usually a token (https://TOKEN@github.com/org/repo).

    Such a URL would put the secret in git's arguments and in the mirror's config.
    An ssh user name (git@host:org/repo, ssh://git@host/...) is not a secret.
    """
    if _SCP_LIKE_WITH_PASSWORD.match(url):
        return True
    parts = urlsplit(url)
    if not parts.scheme or parts.scheme == "file":
        return False
    if parts.password is not None or parts.query or parts.fragment:
        return True
    return parts.username is not None and parts.scheme != "ssh"


class Mirror:
    """The local bare copy of one remote repository."""

    def __init__(
        self,
        url: str,
        path: Path,
        environment: Mapping[str, str] | None = None,
        timeout: float = 1800,
    ) -> None:
        self.url = url
        self.path = path
        self._environment = {**_NO_PROMPTS, **(environment or {})}
        self._timeout = timeout

    def update(self) -> GitRepository:
        """Clone or fetch, recloning once when the existing mirror is broken."""
        try:
            return self._fetch() if self.path.exists() else self._clone()
        except RepositoryError as error:
            if error.code not in {"missing_objects", "not_a_repository", "git_failed"}:
                raise
            if not self.path.exists():
                raise
            shutil.rmtree(self.path)
            return self._clone()

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _git(self, *args: str, cwd: Path | None = None) -> None:
        try:
            git.Git(cwd).execute(
                ["git", *_SAFE_OPTIONS, *args],
                env=self._environment,
                kill_after_timeout=self._timeout,
            )
        except git.GitCommandError as error:
            raise error_from_git(error) from error

    def _clone(self) -> GitRepository:
        # Clone beside the target and rename, so a crash never leaves a
        # half-cloned mirror that looks complete.
        partial = self.path.with_name(self.path.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._git("clone", "--bare", "--no-tags", "--template=", self.url, str(partial))
            self._git("config", "remote.origin.fetch", _BRANCHES_REFSPEC, cwd=partial)
            partial.rename(self.path)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        return GitRepository(self.path)

    def _fetch(self) -> GitRepository:
        repository = GitRepository(self.path)
        self._git("fetch", "--prune", "--no-tags", "origin", cwd=self.path)
        return repository
