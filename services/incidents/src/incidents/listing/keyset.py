"""Keyset pagination of incident lists: each sort's columns, the cursor of a row, and the
condition "after the cursor" (a row comparison, which one index range answers; no OFFSET)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, literal, tuple_
from sqlmodel import col

from incidents.intake.models import Incident, Severity
from incidents.listing.schemas import IncidentSort
from pingan_shared.errors import field_error
from pingan_shared.pagination import encode_cursor

# Every order here runs all its columns the same way, so one row comparison expresses "after".
_KEYS: dict[IncidentSort, tuple[bool, tuple[str, ...]]] = {
    IncidentSort.newest: (True, ("occurred_at", "id")),
    IncidentSort.oldest: (False, ("occurred_at", "id")),
    IncidentSort.recently_reported: (True, ("created_at", "id")),
    IncidentSort.severity: (True, ("severity", "occurred_at", "id")),
}


def _parse_time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    if parsed.utcoffset() is None:
        raise ValueError("naive time")
    return parsed


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "occurred_at": _parse_time,
    "created_at": _parse_time,
    "id": lambda v: uuid.UUID(str(v)),
    "severity": Severity,
}


def _columns(sort: IncidentSort) -> list[Any]:
    return [col(getattr(Incident, name)) for name in _KEYS[sort][1]]


def order_by(sort: IncidentSort) -> list[UnaryExpression[Any]]:
    """The ORDER BY of a sort."""
    descending = _KEYS[sort][0]
    return [c.desc() if descending else c.asc() for c in _columns(sort)]


def cursor_of(sort: IncidentSort, incident: Incident) -> str:
    """The cursor that continues a list after `incident`."""
    values: list[Any] = [sort.value]
    for name in _KEYS[sort][1]:
        value = getattr(incident, name)
        values.append(value.isoformat() if isinstance(value, datetime) else str(value))
    return encode_cursor(values)


def parse_cursor(sort: IncidentSort, key: Sequence[Any]) -> list[Any]:
    """The sort values a decoded cursor holds; a 422 naming `query.cursor` if it is not one of
    this sort's cursors."""
    names = _KEYS[sort][1]
    if len(key) != len(names) + 1 or key[0] != sort.value:
        raise field_error("query.cursor", "this cursor belongs to another sort or list")
    try:
        return [_PARSERS[name](value) for name, value in zip(names, key[1:], strict=True)]
    except (ValueError, TypeError):
        raise field_error("query.cursor", "not a cursor this service issued") from None


def after(sort: IncidentSort, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after the cursor's row in the sort's order."""
    descending = _KEYS[sort][0]
    columns = _columns(sort)
    left = tuple_(*columns)
    right = tuple_(*[literal(v, c.type) for v, c in zip(values, columns, strict=True)])
    return left < right if descending else left > right
