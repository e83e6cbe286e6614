"""Build small git repositories with known answers, for tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

BASE_TIME = 1_700_000_000  # 2023-11-14, a Tuesday


class RepoBuilder:
    """A throwaway repository: write files, commit them as someone, at a given time."""

    def __init__(self, path: Path, default_branch: str = "main") -> None:
        self.path = path
        self._clock = BASE_TIME
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", f"--initial-branch={default_branch}")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args], cwd=self.path, check=True,
            capture_output=True, env={**os.environ, **(env or {})},
        )
        return result.stdout.decode("utf-8", errors="replace").strip()

    def write(self, relative: str, content: str | bytes) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)

    def lines(self, relative: str, count: int, prefix: str = "line") -> None:
        self.write(relative, "".join(f"{prefix} {n}\n" for n in range(count)))

    def commit(self, message: str = "change", email: str = "dev@example.com",
               name: str | bytes = "Dev", when: int | None = None, *extra: str) -> str:
        """Commit everything in the work tree; returns the new sha."""
        if when is None:
            self._clock += 3600
            when = self._clock
        self.git("add", "--all")
        # Raw bytes reach git unchanged through a surrogate-escaped environment value.
        author = name.decode("utf-8", "surrogateescape") if isinstance(name, bytes) else name
        env = {
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000",
        }
        self.git("commit", "--quiet", "--allow-empty", "-m", message, *extra, env=env)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")
