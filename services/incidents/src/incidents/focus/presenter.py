"""Focus problems as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence

from incidents.focus.models import FocusMeasure, FocusProblem, FocusSource, FocusStatus
from incidents.focus.schemas import FocusOwnerOut, FocusProblemOut, MeasureOut
from incidents.patrols.times import utc


def present_measure(measure: FocusMeasure) -> MeasureOut:
    """One measure."""
    assert measure.id is not None
    assert measure.recorded_at is not None
    return MeasureOut(
        id=measure.id,
        taken_on=measure.taken_on,
        text=measure.text,
        recorded_by=measure.recorded_by,
        recorded_at=utc(measure.recorded_at),
    )


def present_problem(problem: FocusProblem, measures: Sequence[FocusMeasure]) -> FocusProblemOut:
    """A problem with its measures, oldest first."""
    assert problem.created_at is not None
    assert problem.updated_at is not None
    return FocusProblemOut(
        id=problem.id,
        title=problem.title,
        description=problem.description,
        source=FocusSource(problem.source),
        source_ref=problem.source_ref,
        area_code=problem.area_code,
        cells=list(problem.cells),
        place_id=problem.place_id,
        categories=list(problem.categories),
        owner=FocusOwnerOut(
            name=problem.owner_name,
            phone=problem.owner_phone,
            wecom_user_id=problem.owner_wecom_user_id,
            contact_id=problem.owner_contact_id,
        ),
        measures_started_on=problem.measures_started_on,
        target_date=problem.target_date,
        status=FocusStatus(problem.status),
        escalation_level=problem.escalation_level,
        resolution=problem.resolution,
        resolved_at=utc(problem.resolved_at),
        created_by=problem.created_by,
        created_at=utc(problem.created_at),
        updated_at=utc(problem.updated_at),
        version=problem.version,
        measures=[present_measure(m) for m in measures],
    )
