"""Regular inspection schedules (定期检查计划): a unit kind in an area, every so many days; their
inspectors are told the day before each due date."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.service import record
from assessment.inspections.checks import open_round
from assessment.inspections.draw_schemas import ScheduleCreate
from assessment.inspections.models import InspectionSchedule
from assessment.inspections.rules import local_today
from assessment.rounds.models import AssessmentRound, RoundStatus
from assessment.schemes.models import Scheme
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error


async def create_schedule(
    session: AsyncSession, body: ScheduleCreate, principal: Principal, today: date | None = None
) -> InspectionSchedule:
    """Plan a regular inspection inside the round's area and the caller's areas."""
    if not principal.can_see(body.area_code):
        raise ProblemError(403, "outside-areas", "you may not plan inspections in this area")
    assessment_round = await open_round(session, body.round_id, "body.round_id")
    if not body.area_code.startswith(assessment_round.area_code):
        raise field_error("body.area_code", "the area is outside the round's", "outside_round")
    scheme = await session.get(Scheme, assessment_round.scheme_id)
    if (
        body.unit_kind is not None
        and scheme is not None
        and body.unit_kind not in scheme.unit_kinds
    ):
        raise field_error(
            "body.unit_kind", "the round's scheme does not assess this kind", "wrong_kind"
        )
    if body.next_due < (today or local_today()):
        raise field_error("body.next_due", "the due date is in the past", "past_date")
    if len(set(body.inspectors)) != len(body.inspectors):
        raise field_error("body.inspectors", "an inspector is named twice", "duplicate")
    schedule = InspectionSchedule(
        round_id=body.round_id,
        unit_kind=body.unit_kind,
        area_code=body.area_code,
        every_days=body.every_days,
        next_due=body.next_due,
        inspectors=list(body.inspectors),
        created_by=principal.sub,
    )
    session.add(schedule)
    await session.flush()
    await session.refresh(schedule)
    await record(
        session,
        actor=principal.sub,
        action="schedule.created",
        entity="schedule",
        entity_id=str(schedule.id),
        data=body.model_dump(mode="json"),
    )
    return schedule


async def list_schedules(
    session: AsyncSession,
    prefixes: Sequence[str],
    round_id: uuid.UUID | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[InspectionSchedule]:
    """Schedules whose area meets the caller's areas (inside them, or holding them), by area."""
    if not prefixes:
        return []
    area = col(InspectionSchedule.area_code)
    meets = [or_(area.startswith(p), func.starts_with(literal(p), area)) for p in prefixes]
    query = select(InspectionSchedule).where(or_(*meets))
    if round_id is not None:
        query = query.where(col(InspectionSchedule.round_id) == round_id)
    if after is not None:
        query = query.where(tuple_(area, col(InspectionSchedule.id)) > tuple_(*after))
    query = query.order_by(area, col(InspectionSchedule.id)).limit(limit)
    return list((await session.execute(query)).scalars())


async def due_schedules(
    session: AsyncSession, until: date, after: uuid.UUID | None, limit: int
) -> list[InspectionSchedule]:
    """Schedules of unpublished rounds due by `until`, in id order after `after`, locked,
    skipping rows another worker holds."""
    query = (
        select(InspectionSchedule)
        .join(AssessmentRound, col(AssessmentRound.id) == col(InspectionSchedule.round_id))
        .where(
            col(InspectionSchedule.next_due) <= until,
            col(AssessmentRound.status) != RoundStatus.published,
        )
    )
    if after is not None:
        query = query.where(col(InspectionSchedule.id) > after)
    query = (
        query.order_by(col(InspectionSchedule.id))
        .limit(limit)
        .with_for_update(of=InspectionSchedule, skip_locked=True)
    )
    return list((await session.execute(query)).scalars())
