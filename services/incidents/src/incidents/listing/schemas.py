"""Shapes of incident lists: the sort orders and the filters a list or an export applies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from incidents.intake.models import IncidentStatus, Severity


class IncidentSort(StrEnum):
    """Orders of a list (排序); each ends with the id, so the order is total and keyset pages
    never skip or repeat a row."""

    newest = "-occurred_at"  # most recent occurrence first (the default)
    oldest = "occurred_at"
    recently_reported = "-created_at"
    severity = "severity"  # most severe first (critical → low), then most recent


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A WGS-84 box: `bbox=minLon,minLat,maxLon,maxLat`."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True, slots=True)
class IncidentFilters:
    """What a list or export keeps; empty tuples and None mean "any"."""

    statuses: tuple[IncidentStatus, ...] = ()
    categories: tuple[str, ...] = ()
    severities: tuple[Severity, ...] = ()
    area: str | None = None
    places: tuple[uuid.UUID, ...] = ()
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    bbox: BoundingBox | None = None
    text: str | None = None
    team: uuid.UUID | None = None  # the patrol team the incident is dispatched to now
    supervised: bool | None = None  # 督办: True only supervised ones, False only the others
