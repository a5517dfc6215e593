"""The rules of the handling workflow: who may take which action from which state, the version
claim that stops two dispatchers overwriting each other, and the timeline every change writes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake import repository as intake
from incidents.intake.models import Incident, IncidentStatus
from incidents.patrols.access import member_of
from incidents.workflow import repository
from incidents.workflow.actions import HANDLERS, ActionContext
from incidents.workflow.dispatch import OnDutyLookup, patrols_on_duty
from incidents.workflow.handling_start import (
    START_HANDLING,
    ReportedIncident,
    handling_params,
)
from incidents.workflow.models import Action, IncidentHandling, Stage, TargetKind, TimelineEntry
from incidents.workflow.schemas import AnyBody
from incidents.workflow.transitions import TRANSITIONS, actions_from, authority, deadline_stage
from pingan_shared.auth import Principal, Role
from pingan_shared.concurrency import check_version, parse_if_match
from pingan_shared.db import driver_connection
from pingan_shared.errors import ProblemError, not_found


async def _start_handling(
    db: AsyncSession | asyncpg.Connection,
    incident: ReportedIncident,
    actor: Principal | None,
    with_entry: bool,
) -> bool:
    conn = await driver_connection(db) if isinstance(db, AsyncSession) else db
    params = handling_params(incident, actor, with_entry=with_entry)
    return bool(await conn.fetchval(START_HANDLING.text, *START_HANDLING.args(params)))


async def acting_target_kind(
    session: AsyncSession, principal: Principal, handling: IncidentHandling
) -> str | None:
    """The dispatch target's kind as it bears on `principal`: an incident sent to a patrol team
    gives patrol members a say only if they are members of that team."""
    if handling.target_kind != TargetKind.patrol_team or Role.patrol not in principal.roles:
        return handling.target_kind
    try:
        team_id = uuid.UUID(handling.target_id or "")
    except ValueError:
        return None
    return handling.target_kind if await member_of(session, principal, team_id) else None


async def record_reported(
    db: AsyncSession | asyncpg.Connection,
    incident: ReportedIncident,
    actor: Principal | None = None,
) -> bool:
    """Start the handling of a newly reported incident: its time limits, its accept deadline
    and the "report" timeline entry, in one statement, on the session or bare connection that
    inserts the incident. Calling it again for the same incident changes nothing (False)."""
    return await _start_handling(db, incident, actor, with_entry=True)


async def ensure_handling(session: AsyncSession, incident: Incident) -> IncidentHandling:
    """The incident's handling row, started now for an incident reported before the workflow
    knew of it (without a timeline entry: nobody acted)."""
    handling = await repository.get_handling(session, incident.id)
    if handling is None:
        await _start_handling(session, incident, None, with_entry=False)
        handling = await repository.get_handling(session, incident.id)
    assert handling is not None
    return handling


async def visible_incident(
    session: AsyncSession, incident_id: uuid.UUID, principal: Principal
) -> Incident:
    """The incident if the caller may see it; 404 otherwise, so existence does not leak."""
    incident = await intake.get_incident(session, incident_id)
    if incident is None or not principal.can_see(incident.area_code):
        raise not_found("incident")
    return incident


def _transition_refused(action: Action, status: IncidentStatus) -> ProblemError:
    allowed = ", ".join(a.value for a in actions_from(status)) or "none"
    return ProblemError(
        409,
        "transition-not-allowed",
        f"cannot {action.value} an incident that is {status.value}; "
        f"actions allowed from {status.value}: {allowed}",
        title="Transition not allowed",
    )


def _forbidden(action: Action) -> ProblemError:
    transition = TRANSITIONS[action]
    who = sorted(r.value for r in transition.roles | transition.team_roles)
    also = " or the incident's reporter" if transition.reporter else ""
    return ProblemError(403, "forbidden", f"{action.value} needs one of the roles {who}{also}")


def track_deadline(handling: IncidentHandling, status: IncidentStatus, new_round: bool) -> None:
    """Point the escalation job at the deadline of the new state; within one stage (a dispatch
    after acceptance) the escalation ladder already climbed is kept."""
    stage = deadline_stage(status, started=handling.started_at is not None)
    current = Stage(handling.deadline_stage) if handling.deadline_stage else None
    if stage == current and not new_round:
        return
    handling.deadline_stage = stage.value if stage else None
    handling.next_escalation_at = handling.due(stage) if stage else None


async def apply_action(
    session: AsyncSession,
    incident_id: uuid.UUID,
    body: AnyBody,
    principal: Principal,
    if_match: str | None,
    *,
    lookup: OnDutyLookup = patrols_on_duty,
    now: datetime | None = None,
) -> tuple[Incident, IncidentHandling]:
    """Take an action on an incident: 404 outside the caller's areas, 428 without If-Match,
    403 for a caller who may not, 412 on a stale version, 409 from a state that does not allow
    it, 422 for a bad target or parent. Writes the change, one timeline entry and its messages."""
    now = now or datetime.now(UTC)
    incident = await visible_incident(session, incident_id, principal)
    if if_match is None:
        check_version(incident.version, None)
    action = Action(body.action)
    transition = TRANSITIONS[action]
    handling = await ensure_handling(session, incident)
    granted = authority(
        transition,
        principal,
        reported_by=incident.reported_by,
        target_kind=await acting_target_kind(session, principal, handling),
    )
    if granted is None:
        raise _forbidden(action)
    check_version(incident.version, if_match)
    from_status = incident.status
    if from_status not in transition.from_states:
        raise _transition_refused(action, from_status)

    context = ActionContext(session, incident, handling, principal, granted, now, lookup)
    outcome = await HANDLERS[action](context, body)

    to_status = transition.to_state or from_status
    expected = parse_if_match(if_match or "*") or incident.version
    claimed = await repository.claim(
        session,
        incident.id,
        version=expected,
        from_status=from_status,
        to_status=to_status,
        at=now,
    )
    if claimed is None:
        raise ProblemError(
            412, "precondition-failed", "the incident changed meanwhile; read it again"
        )
    await session.refresh(incident)
    for name, value in outcome.changes.items():
        setattr(handling, name, value)
    track_deadline(handling, to_status, new_round=action == Action.reopen)
    await repository.add_timeline(
        session,
        TimelineEntry(
            incident_id=incident.id,
            at=now,
            actor_sub=principal.sub,
            actor_role=granted.role.value,
            action=action.value,
            from_status=from_status.value,
            to_status=to_status.value,
            note=outcome.note,
            data=outcome.data,
        ),
    )
    if outcome.after is not None:
        await outcome.after()
    await session.flush()
    return incident, handling
