"""Recording inspections (检查): create, read, list and submit; a covert one is sealed on
submission."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.inspections import checks, repository
from assessment.inspections.access import is_office, may_record, may_see
from assessment.inspections.models import (
    Finding,
    Inspection,
    InspectionKind,
    InspectionStatus,
)
from assessment.inspections.repository import InspectionFilter
from assessment.inspections.schemas import InspectionCreate
from assessment.inspections.sealing import seal
from assessment.rounds.models import AssessmentRound
from assessment.units.models import Unit
from assessment.units.service import own_unit_id, reads_only_own_unit
from pingan_shared.auth import Principal
from pingan_shared.concurrency import check_version
from pingan_shared.errors import ProblemError, not_found


async def create_inspection(
    session: AsyncSession, body: InspectionCreate, principal: Principal
) -> Inspection:
    """Record a visit to a unit in an open round, after checking where its kind comes from."""
    checks.check_people_and_time(body, principal)
    assessment_round = await checks.open_round(session, body.round_id, "body.round_id")
    unit = await checks.round_unit(session, principal, assessment_round, body.unit_id)
    await checks.check_origin(session, body, unit)
    await checks.check_reinspection(session, principal, body)
    inspection = Inspection(
        round_id=body.round_id,
        unit_id=body.unit_id,
        kind=body.kind,
        inspectors=list(body.inspectors),
        inspected_at=body.inspected_at,
        lat=body.location.lat if body.location else None,
        lon=body.location.lon if body.location else None,
        notes=body.notes,
        draw_id=body.draw_id,
        reinspection_of=body.reinspection_of,
        created_by=principal.sub,
    )
    await repository.add(session, inspection)
    data: dict[str, Any] = {
        "round_id": str(body.round_id),
        "unit_id": str(body.unit_id),
        "kind": body.kind.value,
        "draw_id": str(body.draw_id) if body.draw_id else None,
        "schedule_id": str(body.schedule_id) if body.schedule_id else None,
        "reinspection_of": str(body.reinspection_of) if body.reinspection_of else None,
    }
    if body.kind != InspectionKind.covert:
        # A covert visit's details stay out of the log: its commitment seals them instead.
        data |= {"inspectors": list(body.inspectors), "notes": body.notes}
    await record(
        session,
        actor=principal.sub,
        action="inspection.created",
        entity="inspection",
        entity_id=str(inspection.id),
        data=data,
    )
    return inspection


async def visible_inspection(
    session: AsyncSession, principal: Principal, inspection_id: uuid.UUID, *, lock: bool = False
) -> tuple[Inspection, Unit]:
    """The inspection and its unit, or a 404 when it does not exist or the caller may not know
    of it."""
    inspection = await repository.get_inspection(session, inspection_id, lock=lock)
    unit = await session.get(Unit, inspection.unit_id) if inspection is not None else None
    if inspection is None or unit is None or not may_see(principal, inspection, unit):
        raise not_found("inspection")
    return inspection, unit


async def recordable_inspection(
    session: AsyncSession, principal: Principal, inspection_id: uuid.UUID
) -> tuple[Inspection, Unit]:
    """An inspection the caller may still change: a draft they take part in, in an open round.
    Locked until the transaction ends, so two submissions or a finding and a submission do not
    cross."""
    inspection, unit = await visible_inspection(session, principal, inspection_id, lock=True)
    if not may_record(principal, inspection):
        raise ProblemError(403, "not-an-inspector", "only the inspection's inspectors record it")
    if inspection.status != InspectionStatus.draft:
        raise ProblemError(409, "inspection-submitted", "the inspection is submitted already")
    assessment_round = await session.get(AssessmentRound, inspection.round_id)
    if assessment_round is not None:
        checks.round_not_published(assessment_round)
    return inspection, unit


async def submit_inspection(
    session: AsyncSession, principal: Principal, inspection_id: uuid.UUID, if_match: str | None
) -> tuple[Inspection, list[Finding]]:
    """Submit a draft: its findings are final and await confirmation; a covert one is sealed."""
    inspection, _ = await recordable_inspection(session, principal, inspection_id)
    check_version(inspection.version, if_match)
    findings = await repository.findings_of(session, [inspection.id])
    inspection.status = InspectionStatus.submitted
    inspection.submitted_at = datetime.now(UTC)
    inspection.version += 1
    await session.flush()
    if inspection.kind == InspectionKind.covert:
        await seal(session, inspection, findings, principal.sub)
    await record(
        session,
        actor=principal.sub,
        action="inspection.submitted",
        entity="inspection",
        entity_id=str(inspection.id),
        data={"findings": len(findings), "commitment": inspection.commitment},
    )
    await session.flush()
    return inspection, findings


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    prefixes: Sequence[str],
    wanted: InspectionFilter,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Inspection]:
    """The inspections the caller may know of; a unit contact sees its own unit's only."""
    only_unit = None
    if reads_only_own_unit(principal):
        only_unit = own_unit_id(principal)
        if only_unit is None:
            return []
    return await repository.list_inspections(
        session,
        prefixes,
        wanted,
        viewer=principal.sub,
        office=is_office(principal),
        only_unit=only_unit,
        after=after,
        limit=limit,
    )
