"""API shapes of series (系列案件) and patrol fit (巡防匹配度)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class AreaPeriod(BaseModel):
    """The area and period an answer covers: incidents that occurred in [from, to)."""

    area_code: str
    area_name: str
    period_from: datetime
    period_to: datetime


class SeriesMember(BaseModel):
    """One incident of a series."""

    id: uuid.UUID
    occurred_at: datetime
    title: str
    address: str | None
    area_code: str
    lat: float
    lon: float
    modus_operandi: list[str]


class SeriesLinkOut(BaseModel):
    """Why two members were linked."""

    a: uuid.UUID
    b: uuid.UUID
    distance_m: float
    days_apart: float
    mo_similarity: float
    shared_traits: list[str]


class SeriesOut(BaseModel):
    """A group of incidents that look like one series, and why they were grouped."""

    key: uuid.UUID = Field(description="The id of its first incident")
    category: str
    category_name: str
    size: int
    first_at: datetime
    last_at: datetime
    span_days: float
    centre_lat: float
    centre_lon: float
    radius_m: float = Field(description="Farthest member from the centre")
    modus_operandi: list[str] = Field(description="Tags at least half the members share")
    suspect_traits: list[str] = Field(description="Traits recorded for two members or more")
    reasons: list[str]
    members: list[SeriesMember]
    links: list[SeriesLinkOut] = Field(description="The strongest links, at most 100")
    links_total: int


class SeriesRulesOut(BaseModel):
    """The rule the series were found by."""

    radius_m: float
    window_days: float
    mo_similarity: float
    min_size: int


class SeriesAnswer(AreaPeriod):
    """Series (系列案件) among the incidents of the area and period that record a modus
    operandi; at most `max_incidents` of them (the most recent) are considered."""

    method: str
    rules: SeriesRulesOut
    considered: int
    max_incidents: int
    truncated: bool = Field(description="True when more incidents matched than were considered")
    series: list[SeriesOut]


class PatrolFitShare(BaseModel):
    """How many incidents fell inside what patrols covered, and their share."""

    count: int
    share: float | None = Field(description="count / incidents; null with no incidents")


class HotCellOut(BaseModel):
    """A hot spot cell (Gi*, FDR-corrected) and the patrols seen in it."""

    cell: str
    count: int
    gi_z: float
    q: float
    lat: float
    lon: float
    patrolled_hours: int = Field(description="Distinct hours of the week patrols were seen in it")


class PatrolFit(AreaPeriod):
    """Where and when incidents happen against where and when patrols were (巡防匹配度)."""

    method: str
    resolution: int
    incidents: int
    patrolled_cells: int
    patrolled_hours_of_week: int
    in_patrolled_cells: PatrolFitShare
    in_patrolled_hours: PatrolFitShare
    in_patrolled_cells_and_hours: PatrolFitShare
    hot_cells: int
    hot_unpatrolled: list[HotCellOut]
    hot_patrolled: list[HotCellOut]
