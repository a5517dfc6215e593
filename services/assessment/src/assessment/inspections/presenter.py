"""How inspections, findings and rectifications are shown to a caller: a sealed covert
inspection as a placeholder to anyone but the assessment office."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from assessment.inspections.access import may_open
from assessment.inspections.models import Finding, Inspection
from assessment.inspections.rectification_repository import Row
from assessment.inspections.rectification_schemas import RectificationOut
from assessment.inspections.schemas import Evidence, FindingOut, InspectionOut, Location
from pingan_shared.auth import Principal


def _created(value: datetime | None) -> datetime:
    assert value is not None, "created_at is set by the database"
    return value


def present_finding(finding: Finding) -> FindingOut:
    """A finding as recorded, and whether it counts yet."""
    return FindingOut(
        id=finding.id,
        inspection_id=finding.inspection_id,
        indicator_id=finding.indicator_id,
        faults=finding.faults,
        deduction=finding.deduction,
        note=finding.note,
        evidence=[Evidence.model_validate(e) for e in finding.evidence],
        author=finding.author,
        confirmed=finding.confirmed_by is not None,
        confirmed_by=finding.confirmed_by,
        confirmed_at=finding.confirmed_at,
        created_at=_created(finding.created_at),
    )


def present_inspection(
    inspection: Inspection, findings: Sequence[Finding] | None, principal: Principal
) -> InspectionOut:
    """The inspection as `principal` may see it; `findings` None leaves them out (lists)."""
    out = InspectionOut(
        id=inspection.id,
        round_id=inspection.round_id,
        unit_id=inspection.unit_id,
        kind=inspection.kind,
        status=inspection.status,
        sealed=True,
        commitment=inspection.commitment,
        revealed_at=inspection.revealed_at,
        created_at=_created(inspection.created_at),
        submitted_at=inspection.submitted_at,
        version=inspection.version,
    )
    if not may_open(principal, inspection):
        return out
    location = None
    if inspection.lat is not None and inspection.lon is not None:
        location = Location(lat=inspection.lat, lon=inspection.lon)
    return out.model_copy(
        update={
            "sealed": False,
            "inspectors": list(inspection.inspectors),
            "inspected_at": inspection.inspected_at,
            "location": location,
            "notes": inspection.notes,
            "draw_id": inspection.draw_id,
            "reinspection_of": inspection.reinspection_of,
            # Once revealed, anyone who may read it can recompute the commitment.
            "seal_salt": inspection.seal_salt if inspection.revealed_at else None,
            "created_by": inspection.created_by,
            "findings": None if findings is None else [present_finding(f) for f in findings],
        }
    )


def present_rectification(row: Row) -> RectificationOut:
    """A rectification with the finding and inspection it comes from."""
    rectification, finding, inspection, _ = row
    return RectificationOut(
        id=rectification.id,
        finding_id=finding.id,
        inspection_id=inspection.id,
        round_id=inspection.round_id,
        unit_id=inspection.unit_id,
        indicator_id=finding.indicator_id,
        deduction=finding.deduction,
        deadline=rectification.deadline,
        status=rectification.status,
        answer=rectification.answer,
        answer_evidence=[Evidence.model_validate(e) for e in rectification.answer_evidence],
        answered_at=rectification.answered_at,
        reinspection_id=rectification.reinspection_id,
        closed_at=rectification.closed_at,
        reminded=list(rectification.reminded),
        created_at=_created(rectification.created_at),
        version=rectification.version,
    )
