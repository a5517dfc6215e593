"""Queries on rounds and what is recorded in them: hand scores, bonus awards, vetoes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.rounds.models import (
    AssessmentRound,
    BonusAward,
    ManualScore,
    RoundStatus,
    Veto,
    VetoStatus,
)
from assessment.schemes.models import Scheme, VetoCondition
from assessment.units.models import Unit

T = TypeVar("T")


async def add(session: AsyncSession, row: T) -> T:
    """Insert a row and read back its server-set columns."""
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def get_round(
    session: AsyncSession, round_id: uuid.UUID, *, for_update: bool = False
) -> AssessmentRound | None:
    """One round, row-locked if asked (compute, publish and corrections take turns)."""
    query = select(AssessmentRound).where(col(AssessmentRound.id) == round_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def round_with_scheme(
    session: AsyncSession, round_id: uuid.UUID
) -> tuple[AssessmentRound, Scheme] | None:
    """A round and its scheme version."""
    row = (
        await session.execute(
            select(AssessmentRound, Scheme)
            .join(Scheme, col(Scheme.id) == col(AssessmentRound.scheme_id))
            .where(col(AssessmentRound.id) == round_id)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def list_rounds(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    status: RoundStatus | None,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[tuple[AssessmentRound, Scheme]]:
    """Rounds whose area overlaps one of `prefixes` (inside it, or holding it), newest period
    first, after the cursor (period_start, id)."""
    if not prefixes:
        return []
    area = col(AssessmentRound.area_code)
    overlaps = [or_(area.startswith(p), func.starts_with(p, area)) for p in prefixes]
    query = (
        select(AssessmentRound, Scheme)
        .join(Scheme, col(Scheme.id) == col(AssessmentRound.scheme_id))
        .where(or_(*overlaps))
    )
    if status is not None:
        query = query.where(col(AssessmentRound.status) == status)
    if after is not None:
        key = tuple_(col(AssessmentRound.period_start), col(AssessmentRound.id))
        query = query.where(key < tuple_(*after))
    query = query.order_by(
        col(AssessmentRound.period_start).desc(), col(AssessmentRound.id).desc()
    ).limit(limit)
    return [(r, s) for r, s in (await session.execute(query)).all()]


async def upsert_manual_score(session: AsyncSession, values: dict[str, Any]) -> ManualScore:
    """Insert a hand score, or replace the one of the same round, unit and indicator."""
    statement = (
        insert(ManualScore)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_update(
            index_elements=["round_id", "unit_id", "indicator_id"],
            set_={
                "deduction": values["deduction"],
                "note": values["note"],
                "scored_by": values["scored_by"],
                "created_at": func.now(),
            },
        )
        .returning(col(ManualScore.id))
    )
    score_id = (await session.execute(statement)).scalar_one()
    row = await session.get(ManualScore, score_id, populate_existing=True)
    assert row is not None
    return row


async def find_manual_score(
    session: AsyncSession, round_id: uuid.UUID, unit_id: uuid.UUID, indicator_id: uuid.UUID
) -> ManualScore | None:
    """The hand score of a unit on an indicator in a round."""
    query = select(ManualScore).where(
        col(ManualScore.round_id) == round_id,
        col(ManualScore.unit_id) == unit_id,
        col(ManualScore.indicator_id) == indicator_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_in_round(
    session: AsyncSession,
    table: type[ManualScore] | type[BonusAward] | type[Veto],
    round_id: uuid.UUID,
    prefixes: Sequence[str],
    only_unit: uuid.UUID | None = None,
) -> Sequence[Any]:
    """A round's hand scores, bonus awards or vetoes of units inside `prefixes`."""
    if not prefixes:
        return []
    query = (
        select(table)
        .join(Unit, col(Unit.id) == col(table.unit_id))
        .where(col(table.round_id) == round_id)
        .where(or_(*[col(Unit.area_code).startswith(p) for p in prefixes]))
    )
    if only_unit is not None:
        query = query.where(col(table.unit_id) == only_unit)
    query = query.order_by(col(table.created_at), col(table.id))
    return list((await session.execute(query)).scalars())


async def get_veto(
    session: AsyncSession, veto_id: uuid.UUID, *, for_update: bool = False
) -> Veto | None:
    """One veto, row-locked if asked."""
    query = select(Veto).where(col(Veto.id) == veto_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def open_rounds_assessing(
    session: AsyncSession, unit: Unit, day: date
) -> list[tuple[AssessmentRound, Scheme]]:
    """Unpublished rounds whose area holds the unit, whose scheme assesses its kind and whose
    period holds `day`."""
    query = (
        select(AssessmentRound, Scheme)
        .join(Scheme, col(Scheme.id) == col(AssessmentRound.scheme_id))
        .where(
            col(AssessmentRound.status) != RoundStatus.published,
            func.starts_with(unit.area_code, col(AssessmentRound.area_code)),
            col(AssessmentRound.period_start) <= day,
            col(AssessmentRound.period_end) >= day,
            func.array_position(col(Scheme.unit_kinds), str(unit.kind)).is_not(None),
        )
    )
    return [(r, s) for r, s in (await session.execute(query)).all()]


async def veto_exists(
    session: AsyncSession, round_id: uuid.UUID, condition_id: uuid.UUID, incident_id: str
) -> bool:
    """Whether an incident has already proposed a veto on a condition in a round."""
    query = select(func.count()).where(
        col(Veto.round_id) == round_id,
        col(Veto.veto_condition_id) == condition_id,
        col(Veto.incident_id) == incident_id,
        col(Veto.status) != VetoStatus.rejected,
    )
    return bool(await session.scalar(query))


async def veto_conditions_for(
    session: AsyncSession, scheme_id: uuid.UUID, category: str
) -> list[VetoCondition]:
    """The scheme's veto conditions a major incident of `category` proposes."""
    query = select(VetoCondition).where(
        col(VetoCondition.scheme_id) == scheme_id,
        func.array_position(col(VetoCondition.incident_categories), category).is_not(None),
    )
    return list((await session.execute(query.order_by(col(VetoCondition.code)))).scalars())
