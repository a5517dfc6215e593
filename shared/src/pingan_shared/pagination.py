"""Cursor pagination (ARCHITECTURE.md §3): `?limit=&cursor=` → `{"items": [...], "next_cursor": …}`.

A cursor is an opaque, URL-safe encoding of the sort key of the last item returned, so pages stay
stable while new rows arrive (keyset pagination, no OFFSET).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from pingan_shared.errors import field_error

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    """The `limit` and decoded `cursor` of a list request."""

    limit: int
    after: list[Any] | None


def encode_cursor(key: list[Any]) -> str:
    """Encode the sort key of the last item on a page."""
    raw = json.dumps(key, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """Decode a cursor; a 422 naming `cursor` when it was not made by `encode_cursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise field_error("query.cursor", "not a cursor this service issued") from None
    if not isinstance(key, list):
        raise field_error("query.cursor", "not a cursor this service issued")
    return key


def time_and_id(after: Sequence[Any]) -> tuple[datetime, uuid.UUID]:
    """The (aware time, id) keyset a decoded cursor names; a 422 naming the cursor otherwise."""
    try:
        stamp, last_id = datetime.fromisoformat(str(after[0])), uuid.UUID(str(after[1]))
    except (ValueError, IndexError):
        raise field_error("query.cursor", "not a cursor this service issued") from None
    if stamp.tzinfo is None:
        raise field_error("query.cursor", "not a cursor this service issued")
    return stamp, last_id


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> PageParams:
    """Dependency: parse the paging query parameters."""
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)
