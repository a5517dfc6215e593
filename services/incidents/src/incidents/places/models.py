"""The places table."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, String, func
from sqlmodel import Field

from incidents.tables import Table


class PlaceKind(StrEnum):
    """What kind of place it is; the analysis of hot places groups by it (易发案部位)."""

    institution = "institution"  # 机关企事业单位
    residential_compound = "residential_compound"  # 居民小区
    campus = "campus"  # 校园
    market = "market"  # 市场
    family = "family"  # 家庭
    street = "street"  # 街道
    shop = "shop"  # 商铺
    entertainment = "entertainment"  # 娱乐场所
    transport = "transport"  # 车站、停车场
    guard_point = "guard_point"  # 保安守点
    other = "other"


class Place(Table, table=True):
    """A place incidents can be linked to."""

    __tablename__ = "places"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: PlaceKind = Field(sa_type=String(30))
    name: str = Field(max_length=200)
    area_code: str = Field(foreign_key="areas.code", index=True, max_length=20)
    lat: float | None = None
    lon: float | None = None
    address: str | None = Field(default=None, max_length=300)
    external_key: str | None = Field(default=None, max_length=100, unique=True)
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
