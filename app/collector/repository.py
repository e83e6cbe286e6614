"""Read-only access to one git repository (a bare mirror or a local checkout)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import git

from app.collector.errors import RepositoryError, error_from_git
from app.collector.gitlog import LOG_ARGUMENTS, Commit, parse_log

_CHUNK = 1 << 16
# Never let a repository's own configuration run programs while we read it.
SAFE_CONFIG = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false")


class GitRepository:
    """A repository that yields commits; it never changes the repository."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self._repo = git.Repo(self.path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
            raise RepositoryError(
                "not_a_repository",
                f"{self.path} is not a git repository, or does not exist: check the path",
            ) from error
        self._git = self._repo.git
        self.git_dir = Path(self._repo.git_dir)
        # Named explicitly: GitPython runs bare repositories from the caller's cwd.
        self._command = ["git", "--git-dir", str(self.git_dir), *SAFE_CONFIG]

    def _run(self, *args: str) -> str:
        try:
            return self._git.execute([*self._command, *args])
        except git.GitCommandError as error:
            raise error_from_git(error) from error

    def default_branch(self) -> str | None:
        """The branch HEAD points at, or None for an empty or detached repository."""
        try:
            return self._run("symbolic-ref", "--quiet", "--short", "HEAD")
        except RepositoryError:
            return None

    def branch_tips(self, branches: Sequence[str]) -> dict[str, str]:
        """Map each existing branch name to the commit it points at."""
        if not branches:
            return {}
        refs = [f"refs/heads/{branch}" for branch in branches]
        lines = self._run("for-each-ref", "--format=%(refname:short) %(objectname)", *refs)
        return dict(line.split(" ", 1) for line in lines.splitlines())

    def has_commit(self, sha: str) -> bool:
        try:
            self._run("cat-file", "-e", f"{sha}^{{commit}}")
        except RepositoryError:
            return False
        return True

    def mailmapped_emails(self, emails: Sequence[str]) -> set[str]:
        """Return each email as .mailmap maps it (git matches authors after mapping)."""
        if not emails:
            return set()
        output = self._run("check-mailmap", *(f"<{email}>" for email in emails))
        mapped = {line.rsplit("<", 1)[-1].rstrip(">").lower() for line in output.splitlines()}
        return mapped | {email.lower() for email in emails}

    def count_commits(self, revisions: Sequence[str], filters: Sequence[str] = ()) -> int:
        """How many commits `commits()` would yield with these filters.

        Counted with `git log`, not `rev-list --count`: only log matches --author
        after .mailmap, as the collection does."""
        if not revisions:
            return 0
        return len(self._run("log", "--format=%h", *filters, *revisions, "--").split())

    def author_counts(self, revisions: Sequence[str]) -> list[tuple[str, int]]:
        """Every author email (after .mailmap) with its number of commits, most first.
        Reads no diffs, so it costs a fraction of a log with --numstat."""
        if not revisions:
            return []
        output = self._run("log", "--format=%aE", *revisions, "--")
        counts = Counter(line.strip().lower() for line in output.splitlines() if line.strip())
        return counts.most_common()

    def unreachable_since(self, old_tips: Sequence[str], new_tips: Sequence[str]) -> list[str]:
        """Commits reachable from the old tips but no longer from the new ones."""
        if not old_tips:
            return []
        exclusions = [f"^{tip}" for tip in new_tips]
        return self._run("rev-list", *old_tips, *exclusions, "--").split()

    def read_files(self, revision: str, name: str) -> dict[str, str]:
        """Texts of every file called `name` at `revision`, keyed by its directory."""
        listing = self._run("ls-tree", "-r", "-z", "--name-only", revision)
        paths = [p for p in listing.split("\0") if p == name or p.endswith(f"/{name}")]
        return {
            path.rpartition("/")[0]: self._run("show", f"{revision}:{path}") for path in paths
        }

    def commits(self, revisions: Sequence[str], filters: Sequence[str] = ()) -> Iterator[Commit]:
        """Stream the commits reachable from `revisions` (with `^sha` exclusions).

        Raises RepositoryError after the last parsed commit when git fails
        partway, so callers never mistake partial output for a full history.
        """
        if not revisions:
            return
        process = self._git.execute(
            [*self._command, "log", *LOG_ARGUMENTS, *filters, *revisions, "--"],
            as_process=True,
        )
        stdout = process.proc.stdout
        try:
            yield from parse_log(iter(lambda: stdout.read(_CHUNK), b""))
        except BaseException:
            # Stopped early or unparsable: git may be blocked writing, so end it.
            process.proc.kill()
            process.proc.wait()
            raise
        try:
            process.wait()
        except git.GitCommandError as error:
            raise error_from_git(error) from error
