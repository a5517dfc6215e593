"""Moments in answers: always UTC, whatever offset a request came with, so a create and a later
read of the same record answer alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def utc(moment: datetime) -> datetime: ...
@overload
def utc(moment: None) -> None: ...
def utc(moment: datetime | None) -> datetime | None:
    """The moment in UTC (None stays None)."""
    return None if moment is None else moment.astimezone(UTC)
