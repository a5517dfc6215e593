"""How a handled incident and its timeline are shown to a caller."""

from __future__ import annotations

from incidents.intake.models import Incident
from incidents.intake.presenter import SEES_REPORTER_PHONE, present_incident
from incidents.workflow.models import IncidentHandling, TargetKind, TimelineEntry
from incidents.workflow.schemas import (
    HandlingOut,
    RatingOut,
    TargetOut,
    TimelineEntryOut,
    WorkflowIncidentOut,
)
from incidents.workflow.transitions import allowed_actions
from pingan_shared.auth import Principal
from pingan_shared.observability import mask_phones


def present_handling(handling: IncidentHandling) -> HandlingOut:
    """The handling row as the API shows it."""
    h = handling
    target = None
    if h.target_kind is not None:
        target = TargetOut(
            kind=TargetKind(h.target_kind),
            id=h.target_id,
            name=h.target_name,
            area_code=h.target_area_code,
        )
    rating = None
    if h.rating is not None and h.rated_at is not None:
        rating = RatingOut(stars=h.rating, comment=h.rating_comment, rated_at=h.rated_at)
    return HandlingOut(
        target=target,
        accept_due=h.accept_due,
        arrive_due=h.arrive_due,
        resolve_due=h.resolve_due,
        accepted_at=h.accepted_at,
        dispatched_at=h.dispatched_at,
        started_at=h.started_at,
        resolved_at=h.resolved_at,
        closed_at=h.closed_at,
        supervised=h.supervised,
        escalation_level=h.escalation_level,
        merged_into=h.merged_into,
        reject_reason=h.reject_reason,
        rating=rating,
    )


def present_workflow_incident(
    incident: Incident,
    handling: IncidentHandling,
    category_name: str,
    principal: Principal,
    target_kind: str | None,
) -> WorkflowIncidentOut:
    """The incident as `principal` may see it, with its handling and the actions open to them
    (`target_kind` as it bears on them: see `service.acting_target_kind`)."""
    base = present_incident(incident, category_name, principal)
    actions = allowed_actions(
        incident.status,
        principal,
        reported_by=incident.reported_by,
        target_kind=target_kind,
    )
    return WorkflowIncidentOut(
        **base.model_dump(), handling=present_handling(handling), allowed_actions=actions
    )


def present_entry(entry: TimelineEntry, principal: Principal) -> TimelineEntryOut:
    """A timeline entry; phone numbers written into notes are masked unless the role needs them."""
    out = TimelineEntryOut.model_validate(entry)
    if out.note and not principal.has_any(SEES_REPORTER_PHONE):
        out.note = mask_phones(out.note)
    return out
