"""Every read of an unmasked phone number is recorded, append-only, with who and why.

Roles that need reporters' phones (police, community staff, the office) see them in clear; each
such answer leaves a row here, so the office can answer "who looked at this person's number".
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, DateTime, String, Uuid, func, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field

from incidents.tables import Table
from pingan_shared.auth import Principal


class PersonalDataRead(Table, table=True):
    """One answer that showed personal data in clear."""

    __tablename__ = "personal_data_reads"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
    reader: str = Field(max_length=200)
    reader_roles: list[str] = Field(sa_column=Column(ARRAY(String(20)), nullable=False))
    purpose: str = Field(max_length=60)
    incident_ids: list[uuid.UUID] = Field(sa_column=Column(ARRAY(Uuid), nullable=False))


async def record_phone_reads(
    session: AsyncSession, principal: Principal, incident_ids: Sequence[uuid.UUID], purpose: str
) -> None:
    """Note that `principal` was shown the reporters' phones of `incident_ids` (one row a read)."""
    if not incident_ids:
        return
    await session.execute(
        insert(PersonalDataRead).values(
            id=uuid.uuid4(),
            reader=principal.sub,
            reader_roles=sorted(r.value for r in principal.roles),
            purpose=purpose,
            incident_ids=list(incident_ids),
        )
    )


def phone_shown(reporter_phone: str | None, shown: str | None) -> bool:
    """Whether an answer showed this reporter's phone in clear (not masked, not left out)."""
    return reporter_phone is not None and shown == reporter_phone
