"""Area and duty-contact tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, func
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
