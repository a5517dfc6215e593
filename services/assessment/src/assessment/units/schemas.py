"""API shapes of assessed units and their incident statistics."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assessment.units.models import UnitKind

CHINESE_MOBILE = r"^1[3-9]\d{9}$"
AREA_CODE = r"^\d{6,20}$"
UNIT_KEY = r"^[A-Za-z0-9._:-]+$"

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

KIND_DESCRIPTION = (
    "institution 平安单位, residential_compound 平安小区, campus 平安校园, market 平安市场, "
    "family 平安家庭, community 社区, village 村委会"
)


class ContactIn(BaseModel):
    """The unit's contact person (联系人), who hears of findings and rectification tasks."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName = Field(examples=["张丽"])
    phone: str = Field(
        pattern=CHINESE_MOBILE, description="Mobile (手机号)", examples=["13812345678"]
    )
    wecom_user_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="WeCom user id (企业微信账号)"
    )


class UnitCreate(BaseModel):
    """A unit to register for assessment (登记被考核对象)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "campus",
                    "name": "禄劝县第一中学",
                    "area_code": "530128100002",
                    "contact": {"name": "张丽", "phone": "13812345678"},
                }
            ]
        },
    )

    key: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        pattern=UNIT_KEY,
        description="The unit's id in another system (外部编号), unique",
    )
    kind: UnitKind = Field(description=KIND_DESCRIPTION)
    name: Name = Field(description="Name (名称), unique within the area")
    area_code: str = Field(pattern=AREA_CODE, description="Area code (统计用区划代码)")
    incidents_place_id: str | None = Field(
        default=None, min_length=1, max_length=100, description="The unit's place in incidents"
    )
    contact: ContactIn
    parent_unit_id: uuid.UUID | None = Field(
        default=None, description="The unit it belongs to, e.g. its community (上级单位)"
    )


class ContactOut(BaseModel):
    """The contact person as the caller may see them; the phone is masked for most roles."""

    name: str
    phone: str
    wecom_user_id: str | None = None


class UnitOut(BaseModel):
    """An assessed unit (被考核对象)."""

    id: uuid.UUID
    key: str | None = None
    kind: UnitKind
    name: str
    area_code: str
    incidents_place_id: str | None = None
    contact: ContactOut
    parent_unit_id: uuid.UUID | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class IncidentCategoryCount(BaseModel):
    """How many incidents of one category (案件类型)."""

    category: str
    name: str
    count: int


class UnitIncidentStats(BaseModel):
    """Incidents in the unit's area (and everything inside it) in [from, to), by category."""

    unit_id: uuid.UUID
    area_code: str
    period_from: datetime
    period_to: datetime
    total: int
    by_category: list[IncidentCategoryCount]
