"""Which URLs the server may clone: https on a provider's hosts, never inside our network.

Local mode (one user on their own machine) may clone paths and any URL; the
server clones only what a connected provider serves, so a user cannot make it
fetch from internal addresses (cloud metadata, databases, admin panels).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from app.collector.errors import RepositoryError


def _refuse(message: str) -> RepositoryError:
    return RepositoryError("url_refused", message)


def check_clone_url(url: str, allowed_hosts: Collection[str],
                    allow_internal_addresses: bool = False) -> list[tuple[str, str]]:
    """Raise RepositoryError('url_refused') unless `url` may be cloned in server mode.

    Returns git settings that pin the host to the addresses just checked, so a
    DNS answer that changes between this check and git's own lookup is not used.
    """
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise _refuse("Only https:// repository URLs can be collected on this server.")
    if parts.username or parts.password:
        raise _refuse("Put credentials in a connected token, never in the repository URL.")
    host = (parts.hostname or "").lower()
    if host not in {h.lower() for h in allowed_hosts}:
        raise _refuse(f"{host or 'That host'} is not a git host of your connected providers.")
    port = parts.port or 443
    if allow_internal_addresses:
        return []
    try:
        addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, port)})
    except socket.gaierror as error:
        message = f"{host} could not be resolved; collection will be retried."
        raise RepositoryError("remote_unreachable", message) from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise _refuse(f"{host} resolves to an internal address; it cannot be cloned.")
    pinned = ",".join(f"[{a}]" if ":" in a else a for a in addresses)
    return [("http.curloptResolve", f"{host}:{port}:{pinned}")]
