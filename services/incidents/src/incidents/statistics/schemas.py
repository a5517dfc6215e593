"""API shapes of incident statistics."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class CategoryCount(BaseModel):
    """How many incidents of one category."""

    category: str
    name: str
    count: int


class IncidentCounts(BaseModel):
    """Incidents of an area (and everything inside it) that occurred in [from, to), by category."""

    area_code: str
    area_name: str
    period_from: datetime
    period_to: datetime
    total: int
    by_category: list[CategoryCount]
