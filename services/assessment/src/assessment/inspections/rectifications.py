"""Rectification (整改): a confirmed finding opens one with a deadline; the unit answers what it
did; a re-inspection by other inspectors closes it or finds it unfixed, and then the scoring
multiplies the finding's deduction (the scheme's `unfixed_multiplier`).

A covert finding's rectification stays hidden with its inspection until the reveal; its deadline
then counts from the reveal day, and only then is the unit told.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.inspections import rectification_repository as repository
from assessment.inspections.access import is_office, is_sealed, may_see, takes_part
from assessment.inspections.models import (
    Finding,
    Inspection,
    InspectionStatus,
    Rectification,
    RectificationStatus,
)
from assessment.inspections.notices import contact_of, send
from assessment.inspections.rectification_repository import Row
from assessment.inspections.rectification_schemas import RectificationAnswer, RectificationVerdict
from assessment.inspections.rules import local_today, shifted_deadline
from assessment.schemes.models import Indicator
from assessment.units.models import Unit
from pingan_shared.auth import Principal
from pingan_shared.concurrency import check_version
from pingan_shared.errors import ProblemError, field_error, not_found

ANSWERABLE = (RectificationStatus.open, RectificationStatus.overdue)
UNDECIDED = (RectificationStatus.open, RectificationStatus.answered, RectificationStatus.overdue)


async def _tell_unit(session: AsyncSession, row: Row) -> None:
    rectification, finding, _, unit = row
    indicator = await session.get(Indicator, finding.indicator_id)
    name = indicator.name if indicator else str(finding.indicator_id)
    text = (
        f"【整改通知】{unit.name}在检查中被发现问题“{name}”（{finding.faults}处，"
        f"扣{finding.deduction:.2f}分），请于{rectification.deadline.isoformat()}前完成整改，"
        "并在系统中答复整改情况。"
    )
    await send(session, f"rectification-opened:{rectification.id}", text, [contact_of(unit)])


async def open_rectification(
    session: AsyncSession,
    finding: Finding,
    inspection: Inspection,
    unit: Unit,
    deadline: date,
    actor: str,
) -> Rectification:
    """Open the rectification a confirmed finding requires; the unit is told unless sealed."""
    rectification = Rectification(finding_id=finding.id, deadline=deadline)
    session.add(rectification)
    await session.flush()
    await session.refresh(rectification)
    await record(
        session,
        actor=actor,
        action="rectification.opened",
        entity="rectification",
        entity_id=str(rectification.id),
        data={"finding_id": str(finding.id), "deadline": deadline.isoformat()},
    )
    if not is_sealed(inspection):
        await _tell_unit(session, (rectification, finding, inspection, unit))
    return rectification


async def open_revealed_rectifications(
    session: AsyncSession, inspection: Inspection, revealed_at: datetime, actor: str
) -> int:
    """At the reveal: count a covert inspection's deadlines from today and tell the unit."""
    revealed_on = local_today(revealed_at)
    opened = 0
    for row in await repository.of_inspection(session, inspection.id):
        rectification, finding, _, _ = row
        if rectification.status != RectificationStatus.open:
            continue
        confirmed_on = local_today(finding.confirmed_at or revealed_at)
        deadline = shifted_deadline(rectification.deadline, confirmed_on, revealed_on)
        if deadline != rectification.deadline:
            rectification.deadline = deadline
            rectification.version += 1
            await record(
                session,
                actor=actor,
                action="rectification.deadline_moved",
                entity="rectification",
                entity_id=str(rectification.id),
                data={"deadline": deadline.isoformat(), "reason": "covert inspection revealed"},
            )
        await _tell_unit(session, row)
        opened += 1
    return opened


async def visible_rectification(
    session: AsyncSession, principal: Principal, rectification_id: uuid.UUID, *, lock: bool = False
) -> Row:
    """The rectification with its finding, inspection and unit; a 404 when the caller may not
    see it (another unit's, outside the areas, or still sealed)."""
    row = await repository.get_row(session, rectification_id, lock=lock)
    if row is None:
        raise not_found("rectification")
    _, _, inspection, unit = row
    hidden = is_sealed(inspection) and not is_office(principal)
    if hidden or not may_see(principal, inspection, unit):
        raise not_found("rectification")
    return row


async def answer(
    session: AsyncSession,
    principal: Principal,
    rectification_id: uuid.UUID,
    body: RectificationAnswer,
    if_match: str | None,
) -> Row:
    """The unit contact answers what its unit did (整改答复)."""
    row = await visible_rectification(session, principal, rectification_id, lock=True)
    rectification = row[0]
    check_version(rectification.version, if_match)
    if rectification.status not in ANSWERABLE:
        raise ProblemError(
            409, "rectification-not-open", f"the rectification is {rectification.status}"
        )
    rectification.status = RectificationStatus.answered
    rectification.answer = body.answer
    rectification.answer_evidence = [e.model_dump(mode="json") for e in body.evidence]
    rectification.answered_at = datetime.now(UTC)
    rectification.version += 1
    await record(
        session,
        actor=principal.sub,
        action="rectification.answered",
        entity="rectification",
        entity_id=str(rectification.id),
        data={"answer": body.answer, "evidence": rectification.answer_evidence},
    )
    await session.flush()
    return row


async def decide(
    session: AsyncSession,
    principal: Principal,
    rectification_id: uuid.UUID,
    body: RectificationVerdict,
    if_match: str | None,
) -> Row:
    """Close the rectification or find it unfixed, on a re-inspection of the finding's
    inspection by other inspectors (复查)."""
    row = await visible_rectification(session, principal, rectification_id, lock=True)
    rectification, _, inspection, _ = row
    check_version(rectification.version, if_match)
    if is_sealed(inspection):
        raise ProblemError(409, "sealed", "the covert inspection is sealed until its bulletin")
    if rectification.status not in UNDECIDED:
        raise ProblemError(
            409, "rectification-decided", f"the rectification is {rectification.status} already"
        )
    again = await session.get(Inspection, body.reinspection_id)
    if again is None or again.reinspection_of != inspection.id:
        raise field_error(
            "body.reinspection_id",
            "not a re-inspection of this finding's inspection",
            "not_a_reinspection",
        )
    if again.status != InspectionStatus.submitted:
        raise field_error(
            "body.reinspection_id", "the re-inspection is not submitted", "not_submitted"
        )
    if not is_office(principal) and not takes_part(principal, again):
        raise ProblemError(403, "not-an-inspector", "only the re-inspection's inspectors decide")
    rectification.status = RectificationStatus.closed if body.fixed else RectificationStatus.unfixed
    rectification.reinspection_id = again.id
    rectification.closed_at = datetime.now(UTC)
    rectification.version += 1
    await record(
        session,
        actor=principal.sub,
        action=f"rectification.{rectification.status}",
        entity="rectification",
        entity_id=str(rectification.id),
        data={"reinspection_id": str(again.id), "fixed": body.fixed},
    )
    await session.flush()
    return row
