"""Small TCP helpers: whether something listens, and URLs fit to print."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit


def is_listening(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a TCP connection to host:port is accepted."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def display_url(url: str) -> str:
    """url with any password replaced by `***`, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
