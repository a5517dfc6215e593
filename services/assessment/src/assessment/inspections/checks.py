"""The rules a new inspection must meet: its round, its unit, and where its kind comes from —
a spot inspection from a draw's selection, a regular one from a schedule, a re-inspection by
other inspectors than the first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.access import is_office
from assessment.inspections.models import (
    Inspection,
    InspectionKind,
    InspectionSchedule,
    InspectionStatus,
    SpotDraw,
)
from assessment.inspections.schemas import InspectionCreate
from assessment.rounds.models import AssessmentRound, RoundStatus
from assessment.schemes.models import Scheme
from assessment.units.models import Unit
from assessment.units.service import can_read
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error

# A phone's clock may run a little ahead of the server's.
FUTURE_TOLERANCE = timedelta(minutes=5)


def round_not_published(assessment_round: AssessmentRound) -> None:
    """Refuse a change to a published round (409): after the bulletin, only corrections."""
    if assessment_round.status == RoundStatus.published:
        raise ProblemError(
            409, "round-published", "the round is published; a change needs a correction"
        )


async def open_round(session: AsyncSession, round_id: uuid.UUID, field: str) -> AssessmentRound:
    """The round named by `field`, which must exist and not be published."""
    assessment_round = await session.get(AssessmentRound, round_id)
    if assessment_round is None:
        raise field_error(field, "unknown round", "unknown_round")
    round_not_published(assessment_round)
    return assessment_round


async def round_unit(
    session: AsyncSession,
    principal: Principal,
    assessment_round: AssessmentRound,
    unit_id: uuid.UUID,
) -> Unit:
    """The unit, which the caller must see and the round must assess (its area and kinds)."""
    unit = await session.get(Unit, unit_id)
    if unit is None or not can_read(principal, unit):
        raise field_error("body.unit_id", "unknown unit", "unknown_unit")
    if not unit.area_code.startswith(assessment_round.area_code):
        raise field_error("body.unit_id", "the unit is outside the round's area", "outside_round")
    scheme = await session.get(Scheme, assessment_round.scheme_id)
    if scheme is not None and unit.kind not in scheme.unit_kinds:
        raise field_error(
            "body.unit_id", f"the round's scheme does not assess {unit.kind} units", "wrong_kind"
        )
    return unit


def check_people_and_time(body: InspectionCreate, principal: Principal) -> None:
    """An inspector records only visits they made; a visit is not in the future."""
    if len(set(body.inspectors)) != len(body.inspectors):
        raise field_error("body.inspectors", "an inspector is named twice", "duplicate")
    if not is_office(principal) and principal.sub not in body.inspectors:
        raise field_error(
            "body.inspectors", "you must be one of the inspectors you record", "not_an_inspector"
        )
    if body.inspected_at > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise field_error("body.inspected_at", "the visit cannot be in the future", "future")


async def check_origin(session: AsyncSession, body: InspectionCreate, unit: Unit) -> None:
    """Spot inspections come from a draw, regular ones from a schedule, others from neither."""
    if body.kind == InspectionKind.spot:
        await _from_draw(session, body)
    elif body.draw_id is not None:
        raise field_error("body.draw_id", "only a spot inspection comes from a draw", "not_spot")
    if body.kind == InspectionKind.regular:
        await _from_schedule(session, body, unit)
    elif body.schedule_id is not None:
        raise field_error(
            "body.schedule_id", "only a regular inspection follows a schedule", "not_regular"
        )


async def _from_draw(session: AsyncSession, body: InspectionCreate) -> None:
    if body.draw_id is None:
        raise field_error("body.draw_id", "a spot inspection needs the draw that chose the unit")
    spot_draw = await session.get(SpotDraw, body.draw_id)
    if spot_draw is None or spot_draw.round_id != body.round_id:
        raise field_error("body.draw_id", "unknown draw in this round", "unknown_draw")
    if spot_draw.selected is None:
        raise field_error("body.draw_id", "the draw has not been drawn yet", "not_drawn")
    if str(body.unit_id) not in spot_draw.selected:
        raise field_error("body.unit_id", "the draw did not select this unit", "not_drawn")


async def _from_schedule(session: AsyncSession, body: InspectionCreate, unit: Unit) -> None:
    if body.schedule_id is None:
        raise field_error("body.schedule_id", "a regular inspection needs its schedule")
    schedule = await session.get(InspectionSchedule, body.schedule_id)
    if schedule is None or schedule.round_id != body.round_id:
        raise field_error("body.schedule_id", "unknown schedule in this round", "unknown_schedule")
    covered = unit.area_code.startswith(schedule.area_code) and (
        schedule.unit_kind is None or schedule.unit_kind == unit.kind
    )
    if not covered:
        raise field_error("body.unit_id", "the schedule does not cover this unit", "not_scheduled")


async def check_reinspection(
    session: AsyncSession, principal: Principal, body: InspectionCreate
) -> None:
    """A re-inspection (复查) re-checks a submitted inspection of the same unit, by others."""
    if body.reinspection_of is None:
        return
    first = await session.get(Inspection, body.reinspection_of)
    if first is None or first.unit_id != body.unit_id:
        raise field_error(
            "body.reinspection_of", "unknown inspection of this unit", "unknown_inspection"
        )
    if first.status != InspectionStatus.submitted:
        raise field_error(
            "body.reinspection_of", "the first inspection is not submitted", "not_submitted"
        )
    again = sorted(set(body.inspectors) & set(first.inspectors))
    if again:
        raise field_error(
            "body.inspectors",
            f"a re-inspection is done by other inspectors than the first: {', '.join(again)}",
            "same_inspector",
        )
