"""Configuration for git passed through its environment, never written anywhere.

git reads extra configuration from GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n /
GIT_CONFIG_VALUE_n. The Authorization header travels that way: never in a URL,
a process argument list (visible in `ps`) or the mirror's .git/config.
"""

from __future__ import annotations

from collections.abc import Sequence


def git_config_environment(settings: Sequence[tuple[str, str]]) -> dict[str, str]:
    environment = {"GIT_CONFIG_COUNT": str(len(settings))}
    for index, (key, value) in enumerate(settings):
        environment[f"GIT_CONFIG_KEY_{index}"] = key
        environment[f"GIT_CONFIG_VALUE_{index}"] = value
    return environment


def authorization_setting(header_value: str) -> tuple[str, str]:
    """Send `Authorization: <header_value>` on every request of that git run."""
    return ("http.extraHeader", f"Authorization: {header_value}")
