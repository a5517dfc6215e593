"""`GET /v1/privacy/phone-reads`: who was shown reporters' phones (个人信息查阅记录)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlmodel import col

from incidents.privacy.reads import PersonalDataRead
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses

router = APIRouter(prefix="/v1/privacy", tags=["privacy"])
AdminDep = Annotated[Principal, Depends(require_roles(Role.admin))]


class PhoneRead(BaseModel):
    """One answer that showed reporters' phones in clear."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    reader: str
    reader_roles: list[str]
    purpose: str
    incident_ids: list[uuid.UUID]


@router.get(
    "/phone-reads",
    name="privacy_phone_reads",
    summary="Who read a reporter's phone (报警人电话查阅记录)",
    response_model=list[PhoneRead],
    responses=problem_responses(401, 403, 422),
)
async def phone_reads(
    session: SessionDep,
    _: AdminDep,
    incident_id: Annotated[uuid.UUID, Query(description="The incident whose reads to list")],
) -> list[PhoneRead]:
    """Every read of one incident's reporter phone, newest first (the office only)."""
    query = (
        select(PersonalDataRead)
        .where(col(PersonalDataRead.incident_ids).contains([incident_id]))
        .order_by(col(PersonalDataRead.at).desc())
        .limit(500)
    )
    return [PhoneRead.model_validate(r) for r in (await session.execute(query)).scalars()]
