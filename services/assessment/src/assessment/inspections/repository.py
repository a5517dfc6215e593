"""Queries on inspections, findings, draws and schedules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, any_, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.models import AuditEntry
from assessment.inspections.models import (
    Finding,
    Inspection,
    InspectionKind,
    InspectionSchedule,
    InspectionStatus,
    SpotDraw,
)
from assessment.units.models import Unit


async def get_inspection(
    session: AsyncSession, inspection_id: uuid.UUID, *, lock: bool = False
) -> Inspection | None:
    """One inspection by id; `lock` holds its row until the transaction ends."""
    return await session.get(Inspection, inspection_id, with_for_update=lock or None)


async def get_finding(
    session: AsyncSession, finding_id: uuid.UUID, *, lock: bool = False
) -> Finding | None:
    """One finding by id; `lock` holds its row until the transaction ends."""
    return await session.get(Finding, finding_id, with_for_update=lock or None)


async def findings_of(session: AsyncSession, inspection_ids: Sequence[uuid.UUID]) -> list[Finding]:
    """The findings of some inspections, in the order they were recorded."""
    if not inspection_ids:
        return []
    query = (
        select(Finding)
        .where(col(Finding.inspection_id).in_(inspection_ids))
        .order_by(col(Finding.created_at), col(Finding.id))
    )
    return list((await session.execute(query)).scalars())


async def add(
    session: AsyncSession, row: Inspection | Finding | SpotDraw | InspectionSchedule
) -> None:
    """Insert a row and read back its server-set columns."""
    session.add(row)
    await session.flush()
    await session.refresh(row)


@dataclass(frozen=True, slots=True)
class InspectionFilter:
    """What a list of inspections is narrowed to, besides the caller's areas."""

    round_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    kind: InspectionKind | None = None
    status: InspectionStatus | None = None


async def list_inspections(
    session: AsyncSession,
    prefixes: Sequence[str],
    wanted: InspectionFilter,
    *,
    viewer: str,
    office: bool,
    only_unit: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Inspection]:
    """Inspections of units inside `prefixes`, newest recorded first, after the cursor.

    Covert drafts are left out unless the viewer is the office or takes part in them; with
    `only_unit` (a unit contact) only that unit's submitted inspections are listed."""
    if not prefixes:
        return []
    query = (
        select(Inspection)
        .join(Unit, col(Unit.id) == col(Inspection.unit_id))
        .where(or_(*[col(Unit.area_code).startswith(p) for p in prefixes]))
    )
    for column, value in (
        (Inspection.round_id, wanted.round_id),
        (Inspection.unit_id, wanted.unit_id),
        (Inspection.kind, wanted.kind),
        (Inspection.status, wanted.status),
    ):
        if value is not None:
            query = query.where(col(column) == value)
    if only_unit is not None:
        query = query.where(
            col(Inspection.unit_id) == only_unit,
            col(Inspection.status) == InspectionStatus.submitted,
        )
    if not office:
        hidden_draft = and_(
            col(Inspection.kind) == InspectionKind.covert,
            col(Inspection.status) == InspectionStatus.draft,
            col(Inspection.created_by) != viewer,
            not_(any_(col(Inspection.inspectors)) == viewer),
        )
        query = query.where(not_(hidden_draft))
    if after is not None:
        query = query.where(tuple_(col(Inspection.created_at), col(Inspection.id)) < tuple_(*after))
    query = query.order_by(col(Inspection.created_at).desc(), col(Inspection.id).desc())
    return list((await session.execute(query.limit(limit))).scalars())


async def covert_to_reveal(session: AsyncSession, round_id: uuid.UUID) -> list[Inspection]:
    """The round's submitted covert inspections not revealed yet, locked for the reveal."""
    query = (
        select(Inspection)
        .where(
            col(Inspection.round_id) == round_id,
            col(Inspection.kind) == InspectionKind.covert,
            col(Inspection.status) == InspectionStatus.submitted,
            col(Inspection.revealed_at).is_(None),
        )
        .order_by(col(Inspection.id))
        .with_for_update()
    )
    return list((await session.execute(query)).scalars())


async def audited_commitment(session: AsyncSession, inspection_id: uuid.UUID) -> str | None:
    """The commitment the audit log recorded when the inspection was sealed, if any."""
    query = (
        select(col(AuditEntry.data))
        .where(
            col(AuditEntry.entity) == "inspection",
            col(AuditEntry.entity_id) == str(inspection_id),
            col(AuditEntry.action) == "inspection.sealed",
        )
        .order_by(col(AuditEntry.id))
        .limit(1)
    )
    data = (await session.execute(query)).scalar_one_or_none()
    if not isinstance(data, dict):
        return None
    value = data.get("commitment")
    return value if isinstance(value, str) else None
