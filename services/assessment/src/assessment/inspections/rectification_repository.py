"""Queries on rectifications, each read with its finding, inspection and unit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.inspections.models import (
    Finding,
    Inspection,
    InspectionKind,
    Rectification,
    RectificationStatus,
)
from assessment.units.models import Unit

Row = tuple[Rectification, Finding, Inspection, Unit]


def _joined() -> Select[Rectification, Finding, Inspection, Unit]:
    return (
        select(Rectification, Finding, Inspection, Unit)
        .join(Finding, col(Finding.id) == col(Rectification.finding_id))
        .join(Inspection, col(Inspection.id) == col(Finding.inspection_id))
        .join(Unit, col(Unit.id) == col(Inspection.unit_id))
    )


def _unsealed() -> ColumnElement[bool]:
    return not_(
        and_(col(Inspection.kind) == InspectionKind.covert, col(Inspection.revealed_at).is_(None))
    )


async def get_row(
    session: AsyncSession, rectification_id: uuid.UUID, *, lock: bool = False
) -> Row | None:
    """One rectification with its finding, inspection and unit; `lock` holds the
    rectification's row until the transaction ends."""
    query = _joined().where(col(Rectification.id) == rectification_id)
    if lock:
        query = query.with_for_update(of=Rectification)
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1], row[2], row[3])


@dataclass(frozen=True, slots=True)
class RectificationFilter:
    """What a list of rectifications is narrowed to, besides the caller's areas."""

    status: RectificationStatus | None = None
    unit_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None


async def list_rows(
    session: AsyncSession,
    prefixes: Sequence[str],
    wanted: RectificationFilter,
    *,
    office: bool,
    only_unit: uuid.UUID | None,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[Row]:
    """Rectifications of units inside `prefixes`, nearest deadline first, after the cursor;
    those of sealed covert inspections only for the office."""
    if not prefixes:
        return []
    query = _joined().where(or_(*[col(Unit.area_code).startswith(p) for p in prefixes]))
    if wanted.status is not None:
        query = query.where(col(Rectification.status) == wanted.status)
    if wanted.unit_id is not None:
        query = query.where(col(Inspection.unit_id) == wanted.unit_id)
    if wanted.round_id is not None:
        query = query.where(col(Inspection.round_id) == wanted.round_id)
    if only_unit is not None:
        query = query.where(col(Inspection.unit_id) == only_unit)
    if not office:
        query = query.where(_unsealed())
    if after is not None:
        query = query.where(
            tuple_(col(Rectification.deadline), col(Rectification.id)) > tuple_(*after)
        )
    query = query.order_by(col(Rectification.deadline), col(Rectification.id)).limit(limit)
    return [(r[0], r[1], r[2], r[3]) for r in (await session.execute(query)).all()]


async def of_inspection(session: AsyncSession, inspection_id: uuid.UUID) -> list[Row]:
    """The rectifications of an inspection's findings, locked."""
    query = (
        _joined()
        .where(col(Inspection.id) == inspection_id)
        .order_by(col(Rectification.id))
        .with_for_update(of=Rectification)
    )
    return [(r[0], r[1], r[2], r[3]) for r in (await session.execute(query)).all()]


async def due_for_follow_up(
    session: AsyncSession, until: date, after: uuid.UUID | None, limit: int
) -> list[Row]:
    """Open rectifications due by `until`, not sealed, in id order after `after`, locked and
    skipping rows another worker holds."""
    query = _joined().where(
        col(Rectification.status) == RectificationStatus.open,
        col(Rectification.deadline) <= until,
        _unsealed(),
    )
    if after is not None:
        query = query.where(col(Rectification.id) > after)
    query = (
        query.order_by(col(Rectification.id))
        .limit(limit)
        .with_for_update(of=Rectification, skip_locked=True)
    )
    return [(r[0], r[1], r[2], r[3]) for r in (await session.execute(query)).all()]
