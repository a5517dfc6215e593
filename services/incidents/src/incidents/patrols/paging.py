"""Keyset cursors of patrol lists: the sort key of the last item, checked when read back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pingan_shared.errors import field_error
from pingan_shared.pagination import encode_cursor


def read_cursor(after: list[Any] | None, kinds: Sequence[type]) -> tuple[Any, ...] | None:
    """The decoded sort key, each part converted to `kinds` (str, uuid.UUID or datetime);
    a 422 naming `cursor` when it does not fit."""
    if after is None:
        return None
    if len(after) != len(kinds):
        raise field_error("query.cursor", "not a cursor of this list")
    parts: list[Any] = []
    try:
        for value, kind in zip(after, kinds, strict=True):
            if kind is datetime:
                parts.append(datetime.fromisoformat(str(value)))
            elif kind is uuid.UUID:
                parts.append(uuid.UUID(str(value)))
            else:
                parts.append(str(value))
    except ValueError:
        raise field_error("query.cursor", "not a cursor of this list") from None
    return tuple(parts)


def next_cursor(items: Sequence[Any], limit: int, key: Any) -> str | None:
    """The cursor after the last of `limit` items, when one more was fetched than shown."""
    if len(items) <= limit:
        return None
    return encode_cursor([str(part) for part in key(items[limit - 1])])
