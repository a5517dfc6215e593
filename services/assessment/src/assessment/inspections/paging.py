"""The keyset cursors of the inspections' lists: a sort key and an id."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from pingan_shared.errors import field_error
from pingan_shared.pagination import PageParams

K = TypeVar("K")


def keyset(page: PageParams, key: Callable[[str], K]) -> tuple[K, uuid.UUID] | None:
    """The (sort key, id) the page continues after; a 422 for a cursor of another list."""
    if page.after is None:
        return None
    try:
        first, row_id = page.after
        return key(str(first)), uuid.UUID(str(row_id))
    except ValueError:
        raise field_error("query.cursor", "not a cursor this service issued") from None
