"""What each action does beyond the status change. A handler only checks and describes the
change (`Outcome`); the service applies it after it has claimed the incident's version, so a
refused or lost request writes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake.models import Incident, IncidentStatus
from incidents.workflow import notifications, repository
from incidents.workflow.dispatch import DutyTeam, OnDutyLookup, auto_target, given_target
from incidents.workflow.models import Action, IncidentHandling, TimelineEntry, TimelineKind
from incidents.workflow.schemas import (
    AcceptBody,
    CloseBody,
    DispatchBody,
    MergeBody,
    RateBody,
    RejectBody,
    ReopenBody,
    ResolveBody,
    StartBody,
    SuperviseBody,
    TargetOut,
)
from incidents.workflow.transitions import Authority, within_reopen_window
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error


@dataclass(frozen=True, slots=True)
class ActionContext:
    """What a handler may look at."""

    session: AsyncSession
    incident: Incident
    handling: IncidentHandling
    principal: Principal
    authority: Authority
    now: datetime
    lookup: OnDutyLookup


@dataclass(slots=True)
class Outcome:
    """The change an action makes: handling fields, the timeline note and data, and what to do
    once the change holds (messages, followers)."""

    note: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    after: Callable[[], Awaitable[None]] | None = None


UNSUPERVISED = {"supervised": False}
"""Handled (resolved, closed, rejected, merged): no longer shown as 督办."""


def _minutes(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


async def accept(ctx: ActionContext, body: AcceptBody) -> Outcome:
    """受理: the arrive and resolve limits start now."""
    h = ctx.handling
    changes = {
        "accepted_at": ctx.now,
        "arrive_due": ctx.now + _minutes(h.arrive_minutes),
        "resolve_due": ctx.now + _minutes(h.resolve_minutes),
    }
    return Outcome(note=body.note, changes=changes)


async def reject(ctx: ActionContext, body: RejectBody) -> Outcome:
    """不予受理, with the reason."""
    return Outcome(note=body.reason, changes={"reject_reason": body.reason, **UNSUPERVISED})


async def merge(ctx: ActionContext, body: MergeBody) -> Outcome:
    """合并: the duplicate points at its parent; its reporter follows the parent."""
    if body.into == ctx.incident.id:
        raise field_error("body.into", "an incident cannot duplicate itself", "self_merge")
    # Locked until this action commits: a parent merged elsewhere meanwhile must not gain
    # followers it will never tell.
    parent = await ctx.session.get(Incident, body.into, with_for_update=True)
    if parent is None or not ctx.principal.can_see(parent.area_code):
        raise field_error("body.into", f"unknown incident {body.into}", "unknown_incident")
    if parent.status in (IncidentStatus.merged, IncidentStatus.rejected):
        raise field_error(
            "body.into", f"the parent incident is {parent.status.value}", "parent_not_open"
        )

    async def follow() -> None:
        await repository.add_followers(ctx.session, parent.id, ctx.incident)
        await repository.add_timeline(
            ctx.session,
            TimelineEntry(
                incident_id=parent.id,
                at=ctx.now,
                actor_sub=ctx.principal.sub,
                actor_role=ctx.authority.role.value,
                action=TimelineKind.duplicate_merged.value,
                from_status=parent.status.value,
                to_status=parent.status.value,
                data={"duplicate": str(ctx.incident.id)},
            ),
        )

    return Outcome(
        note=body.note,
        changes={"merged_into": parent.id, **UNSUPERVISED},
        data={"into": str(parent.id)},
        after=follow,
    )


def _target_changes(target: TargetOut) -> dict[str, Any]:
    return {
        "target_kind": target.kind.value,
        "target_id": target.id,
        "target_name": target.name,
        "target_area_code": target.area_code,
    }


async def dispatch(ctx: ActionContext, body: DispatchBody) -> Outcome:
    """分拨 (改派 when it had a target): to the given target, or to whoever is on duty."""
    team: DutyTeam | None = None
    if body.target == "auto":
        target, team = await auto_target(ctx.session, ctx.incident, ctx.lookup, ctx.now)
    else:
        target = await given_target(ctx.session, ctx.incident, body.target, ctx.principal)
    data: dict[str, Any] = {"target": target.model_dump(mode="json"), "auto": body.target == "auto"}
    h = ctx.handling
    if h.target_kind is not None:
        data["previous_target"] = {"kind": h.target_kind, "id": h.target_id, "name": h.target_name}

    async def tell() -> None:
        await notifications.notify_dispatched(
            ctx.session, ctx.incident, target, team, ctx.lookup, ctx.now
        )

    changes = {**_target_changes(target), "dispatched_at": ctx.now}
    return Outcome(note=body.note, changes=changes, data=data, after=tell)


async def start(ctx: ActionContext, body: StartBody) -> Outcome:
    """到场处置."""
    return Outcome(note=body.note, changes={"started_at": ctx.now})


async def resolve(ctx: ActionContext, body: ResolveBody) -> Outcome:
    """办结: the reporter hears of it."""

    async def tell() -> None:
        await notifications.notify_resolved(ctx.session, ctx.incident, body.note, ctx.now)

    return Outcome(note=body.note, changes={"resolved_at": ctx.now, **UNSUPERVISED}, after=tell)


async def close(ctx: ActionContext, body: CloseBody) -> Outcome:
    """归档."""
    return Outcome(note=body.note, changes={"closed_at": ctx.now, **UNSUPERVISED})


async def reopen(ctx: ActionContext, body: ReopenBody) -> Outcome:
    """重新办理: a new round of handling with fresh limits; a reporter only within 7 days."""
    h = ctx.handling
    if ctx.authority.as_reporter and not within_reopen_window(h.resolved_at, ctx.now):
        raise ProblemError(
            409,
            "reopen-window-closed",
            "a reporter may reopen an incident within 7 days of its resolution",
        )
    changes = {
        "reopen_count": h.reopen_count + 1,
        "started_at": None,
        "resolved_at": None,
        "closed_at": None,
        "arrive_due": ctx.now + _minutes(h.arrive_minutes),
        "resolve_due": ctx.now + _minutes(h.resolve_minutes),
    }
    data = {"by_reporter": ctx.authority.as_reporter}
    return Outcome(note=body.reason, changes=changes, data=data)


async def rate(ctx: ActionContext, body: RateBody) -> Outcome:
    """评价, once."""
    if ctx.handling.rating is not None:
        raise ProblemError(409, "already-rated", "the handling of this incident is rated already")
    changes = {
        "rating": body.stars,
        "rating_comment": body.comment,
        "rated_at": ctx.now,
        "rated_by": ctx.principal.sub,
    }
    data = {"stars": body.stars, "on_behalf": not ctx.authority.as_reporter}
    return Outcome(note=body.comment, changes=changes, data=data)


async def supervise(ctx: ActionContext, body: SuperviseBody) -> Outcome:
    """督办."""
    return Outcome(note=body.note, changes={"supervised": True, "supervised_at": ctx.now})


Handler = Callable[[ActionContext, Any], Awaitable[Outcome]]
HANDLERS: dict[Action, Handler] = {
    Action.accept: accept,
    Action.reject: reject,
    Action.merge: merge,
    Action.dispatch: dispatch,
    Action.start: start,
    Action.resolve: resolve,
    Action.close: close,
    Action.reopen: reopen,
    Action.rate: rate,
    Action.supervise: supervise,
}
