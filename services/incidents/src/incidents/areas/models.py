"""Area and duty-contact tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, SmallInteger, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import UserDefinedType
from sqlmodel import Field

from incidents.tables import Table


class AreaLevel(StrEnum):
    """Levels of the statistical division codes (统计用区划代码), plus grids (网格)."""

    county = "county"
    town = "town"
    community = "community"
    village = "village"
    grid = "grid"


class Area(Table, table=True):
    """An area; its code's prefixes are its ancestors."""

    __tablename__ = "areas"

    code: str = Field(primary_key=True, max_length=20, regex=r"^\d{6,20}$")
    name: str = Field(max_length=100)
    level: AreaLevel
    parent_code: str | None = Field(
        default=None, foreign_key="areas.code", index=True, max_length=20
    )
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    # GeoJSON Polygon or MultiPolygon, WGS-84; its rings are also in `area_boundaries`.
    boundary: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSONB(none_as_null=True), nullable=True)
    )


class ContactRole(StrEnum):
    """Who a duty contact is."""

    police_office = "police_office"  # 社区警务室
    community_staff = "community_staff"  # 社区工作人员
    patrol_leader = "patrol_leader"  # 巡防队长
    duty_robot = "duty_robot"  # 值班群机器人


class Contact(Table, table=True):
    """Someone (or a duty group robot) told about incidents in an area."""

    __tablename__ = "contacts"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    area_code: str = Field(foreign_key="areas.code", index=True, max_length=20)
    name: str = Field(max_length=100)
    role: ContactRole
    phone: str | None = Field(default=None, max_length=20)
    wecom_user_id: str | None = Field(default=None, max_length=64)
    wecom_robot_key: str | None = Field(default=None, max_length=200)
    on_duty: bool = True
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class PolygonType(UserDefinedType[str]):
    """PostgreSQL's built-in geometric `polygon`, written as text `((x,y),…)` (no PostGIS)."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        """The column's SQL type."""
        return "POLYGON"


class AreaBoundary(Table, table=True):
    """One ring of an area's boundary: ring 0 of each part is its outline, later rings holes."""

    __tablename__ = "area_boundaries"

    area_code: str = Field(
        sa_column=Column(String(20), ForeignKey("areas.code", ondelete="CASCADE"), primary_key=True)
    )
    part: int = Field(sa_column=Column(SmallInteger, primary_key=True))
    ring: int = Field(sa_column=Column(SmallInteger, primary_key=True))
    shape: str = Field(sa_column=Column(PolygonType, nullable=False))
