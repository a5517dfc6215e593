"""Optimistic concurrency (ARCHITECTURE.md §3): resources carry `version`; `If-Match` must match.

Responses carry the version as an ETag (`"3"`); a request whose `If-Match` names another version
is refused with 412, so two dispatchers cannot overwrite each other.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from pingan_shared.errors import ProblemError

IfMatchHeader = Annotated[
    str | None,
    Header(alias="If-Match", description="The `version` (ETag) this update was based on"),
]


def etag(version: int) -> str:
    """The ETag of a resource version."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Put the resource version in the response's ETag header."""
    response.headers["ETag"] = etag(version)


def parse_if_match(value: str) -> int | None:
    """The version named by an If-Match value (`"3"`, `W/"3"` or `3`); None for `*`."""
    value = value.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError:
        raise ProblemError(
            412, "precondition-failed", 'If-Match must name a version, e.g. "3"'
        ) from None


def check_version(current: int, if_match: str | None, *, required: bool = True) -> None:
    """Refuse an update based on a stale version (412), or one without If-Match (428)."""
    if if_match is None:
        if required:
            raise ProblemError(
                428, "precondition-required", "send If-Match with the version you read"
            )
        return
    expected = parse_if_match(if_match)
    if expected is not None and expected != current:
        raise ProblemError(
            412,
            "precondition-failed",
            f"the resource is at version {current}, not {expected}; read it again",
        )
