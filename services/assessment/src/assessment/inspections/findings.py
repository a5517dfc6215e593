"""Findings (检查发现): recorded on an indicator of the round's scheme with the deduction its rule
gives, and counted only once a second person confirms them (四眼原则)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.inspections import repository
from assessment.inspections.access import is_sealed, takes_part
from assessment.inspections.checks import round_not_published
from assessment.inspections.models import Finding, Inspection, InspectionStatus
from assessment.inspections.rectifications import open_rectification
from assessment.inspections.rules import local_today
from assessment.inspections.schemas import FindingConfirm, FindingCreate
from assessment.inspections.service import recordable_inspection, visible_inspection
from assessment.rounds.models import AssessmentRound
from assessment.schemes.models import Indicator, Measure
from assessment.units.models import Unit
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error, not_found


def deduction_for(indicator: Indicator, faults: int) -> Decimal:
    """Points off for `faults` faults: faults × the rule's `per_fault`, never beyond the
    indicator's maximum — capped there when the rule stops at zero (扣完为止, the default),
    refused otherwise."""
    try:
        per_fault = Decimal(str(indicator.rule.get("per_fault")))
    except (InvalidOperation, ValueError):
        raise field_error(
            "body.indicator_id", "the indicator's rule states no points per fault", "no_per_fault"
        ) from None
    if not per_fault.is_finite() or per_fault <= 0:
        raise field_error(
            "body.indicator_id", "the indicator's rule states no points per fault", "no_per_fault"
        )
    full, most = per_fault * faults, Decimal(indicator.max_points)
    if full > most and not bool(indicator.rule.get("stop_at_zero", True)):
        # Without 扣完为止 the scoring counts every point of it: a finding may not claim more.
        raise field_error(
            "body.faults",
            f"{faults} faults × {per_fault} points exceed the indicator's {most} points",
            "beyond_points",
        )
    return min(full, most).quantize(Decimal("0.01"))


async def finding_indicator(
    session: AsyncSession, inspection: Inspection, unit: Unit, indicator_id: uuid.UUID
) -> Indicator:
    """The indicator, which must be in the round's scheme, measured by findings, and apply to
    the unit's kind."""
    indicator = await session.get(Indicator, indicator_id)
    assessment_round = await session.get(AssessmentRound, inspection.round_id)
    if indicator is None or assessment_round is None:
        raise field_error("body.indicator_id", "unknown indicator", "unknown_indicator")
    if indicator.scheme_id != assessment_round.scheme_id:
        raise field_error(
            "body.indicator_id", "the indicator is not in the round's scheme", "outside_scheme"
        )
    if indicator.measure != Measure.findings:
        raise field_error(
            "body.indicator_id",
            f"the indicator is measured by {indicator.measure}, not by findings",
            "not_by_findings",
        )
    if indicator.applicable_kinds is not None and unit.kind not in indicator.applicable_kinds:
        raise field_error(
            "body.indicator_id",
            f"the indicator does not apply to {unit.kind} units",
            "not_applicable",
        )
    return indicator


async def add_finding(
    session: AsyncSession, principal: Principal, inspection_id: uuid.UUID, body: FindingCreate
) -> Finding:
    """Record a finding on a draft inspection the caller takes part in."""
    inspection, unit = await recordable_inspection(session, principal, inspection_id)
    indicator = await finding_indicator(session, inspection, unit, body.indicator_id)
    finding = Finding(
        inspection_id=inspection.id,
        indicator_id=indicator.id,
        faults=body.faults,
        deduction=deduction_for(indicator, body.faults),
        note=body.note or None,
        evidence=[e.model_dump(mode="json") for e in body.evidence],
        author=principal.sub,
    )
    await repository.add(session, finding)
    inspection.version += 1  # its content changed: a submission based on the old one is stale
    data: dict[str, Any] = {"inspection_id": str(inspection.id)}
    if not is_sealed(inspection):
        data |= {
            "indicator_id": str(indicator.id),
            "faults": finding.faults,
            "deduction": f"{finding.deduction:.2f}",
            "evidence": finding.evidence,
        }
    await record(
        session,
        actor=principal.sub,
        action="finding.added",
        entity="finding",
        entity_id=str(finding.id),
        data=data,
    )
    await session.flush()
    return finding


def check_four_eyes(principal: Principal, finding: Finding, inspection: Inspection) -> None:
    """The confirmer is a second person: not the finding's author, not one of the visit's own."""
    if principal.sub == finding.author:
        raise ProblemError(
            403, "four-eyes", "a finding is confirmed by a second person, not by its author"
        )
    if takes_part(principal, inspection):
        raise ProblemError(
            403,
            "four-eyes",
            "a finding is confirmed by someone outside the inspection, not by its inspectors",
        )


async def confirm_finding(
    session: AsyncSession,
    principal: Principal,
    finding_id: uuid.UUID,
    body: FindingConfirm,
    today: date | None = None,
) -> Finding:
    """Confirm a submitted finding (复核确认): it then counts, and its rectification opens."""
    finding = await repository.get_finding(session, finding_id, lock=True)
    if finding is None:
        raise not_found("finding")
    inspection, unit = await visible_inspection(session, principal, finding.inspection_id)
    if inspection.status != InspectionStatus.submitted:
        raise ProblemError(
            409, "inspection-draft", "a finding is confirmed once its inspection is submitted"
        )
    check_four_eyes(principal, finding, inspection)
    assessment_round = await session.get(AssessmentRound, inspection.round_id)
    if assessment_round is not None:
        round_not_published(assessment_round)
    if finding.confirmed_by is not None:
        raise ProblemError(409, "finding-confirmed", "the finding is confirmed already")
    if body.rectification_deadline < (today or local_today()):
        raise field_error(
            "body.rectification_deadline", "the deadline is in the past", "past_deadline"
        )
    finding.confirmed_by = principal.sub
    finding.confirmed_at = datetime.now(UTC)
    await record(
        session,
        actor=principal.sub,
        action="finding.confirmed",
        entity="finding",
        entity_id=str(finding.id),
        data={"inspection_id": str(inspection.id), "author": finding.author},
    )
    await open_rectification(
        session, finding, inspection, unit, body.rectification_deadline, principal.sub
    )
    return finding
