"""Git failures translated into conditions a user can act on."""

from __future__ import annotations

import git

# (code, substrings of git's stderr, message for the user), checked in order.
_KNOWN_FAILURES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "token_rejected",
        # Whole phrases: a bare "403" would also match a port such as :40317.
        ("authentication failed", "could not read username", "returned error: 403",
         "returned error: 401"),
        "The git host rejected the credentials: replace the access token.",
    ),
    (
        "remote_gone",
        ("repository not found", "does not appear to be a git repository", "does not exist",
         "not found"),
        "No repository was found at this address, or we have no access to it: check the "
        "URL (and the token, for a private repository), or remove the repository.",
    ),
    (
        "remote_unreachable",
        ("could not resolve host", "connection refused", "timed out", "failed to connect",
         # rate limited or down for a moment: retried with backoff
         "returned error: 429", "returned error: 502", "returned error: 503",
         "returned error: 504"),
        "The git host could not be reached: check the address and the network.",
    ),
    (
        "missing_objects",
        ("unable to read", "bad object", "missing blob", "missing tree", "bad tree object",
         "did not receive expected object", "invalid object", "corrupt", "not a tree object"),
        "The repository is missing objects or is corrupt: git could not read part of its "
        "history (for a local repository, `git fsck` there tells more).",
    ),
    (
        "empty_repository",
        ("does not have any commits yet", "bad default revision 'head'"),
        "The repository has no commits yet.",
    ),
)


class RepositoryError(Exception):
    """A repository could not be read; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_from_git(error: git.GitCommandError) -> RepositoryError:
    """Classify a failed git command by what it printed on stderr."""
    stderr = str(error.stderr or "").strip()
    lowered = stderr.lower()
    for code, needles, message in _KNOWN_FAILURES:
        if any(needle in lowered for needle in needles):
            return RepositoryError(code, message)
    last_line = stderr.splitlines()[-1] if stderr else f"exit status {error.status}"
    return RepositoryError("git_failed", f"git failed: {last_line.removeprefix('stderr: ')}")
