"""The unit table."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, Index, UniqueConstraint, func, text
from sqlmodel import Field

from assessment.tables import Table


class UnitKind(StrEnum):
    """What kind of unit is assessed (the campaign's 平安创建 categories)."""

    institution = "institution"  # 平安单位
    residential_compound = "residential_compound"  # 平安小区
    campus = "campus"  # 平安校园
    market = "market"  # 平安市场
    family = "family"  # 平安家庭
    community = "community"  # 社区(居委会)
    village = "village"  # 村委会


def _timestamp() -> Column[datetime]:
    return Column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class Unit(Table, table=True):
    """An assessed unit (被考核对象) in an area, with the contact person who answers for it."""

    __tablename__ = "units"
    __table_args__ = (
        # One unit per name in an area, so the same school is not registered twice.
        UniqueConstraint("area_code", "name"),
        # "Inside an area" is a prefix test (LIKE '5301%'), which needs the pattern operators.
        Index(
            "ix_units_area_code_pattern",
            "area_code",
            postgresql_ops={"area_code": "text_pattern_ops"},
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key: str | None = Field(default=None, unique=True, max_length=100)
    kind: UnitKind
    name: str = Field(max_length=200)
    area_code: str = Field(max_length=20)
    incidents_place_id: str | None = Field(default=None, max_length=100)
    contact_name: str = Field(max_length=100)
    contact_phone: str = Field(max_length=20)
    contact_wecom_user_id: str | None = Field(default=None, max_length=64)
    parent_unit_id: uuid.UUID | None = Field(default=None, foreign_key="units.id", index=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    created_at: datetime | None = Field(default=None, sa_column=_timestamp())
    updated_at: datetime | None = Field(default=None, sa_column=_timestamp())
