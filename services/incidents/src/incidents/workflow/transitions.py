"""The transition table: for each action, the states it may start from, the state it leads to,
and who may take it. Plain data and pure functions, so the rules read (and test) at a glance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from incidents.intake.models import IncidentStatus as S
from incidents.workflow.models import Action, Stage, TargetKind
from pingan_shared.auth import Principal, Role

HANDLERS = frozenset({Role.admin, Role.police, Role.community})
"""Who triages, dispatches and closes: the governance office, police offices, community staff."""
SUPERVISORS = frozenset({Role.admin, Role.leader})
ACTORS = frozenset({*HANDLERS, *SUPERVISORS, Role.patrol, Role.service})
"""Every role that may take some action (patrol and service members as reporters, too)."""
REOPEN_WINDOW = timedelta(days=7)
OPEN_STATES = frozenset({S.reported, S.accepted, S.dispatched, S.in_progress, S.reopened})


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of the table. `to_state` None keeps the state (rate, supervise)."""

    action: Action
    from_states: frozenset[S]
    to_state: S | None
    roles: frozenset[Role]
    team_roles: frozenset[Role] = frozenset()
    """Roles that may act only while the incident is dispatched to a patrol team."""
    reporter: bool = False
    """Whether the incident's reporter may act too, whatever their role."""


def _t(
    action: Action,
    from_states: set[S],
    to_state: S | None,
    roles: frozenset[Role],
    *,
    team_roles: frozenset[Role] = frozenset(),
    reporter: bool = False,
) -> Transition:
    return Transition(action, frozenset(from_states), to_state, roles, team_roles, reporter)


_PATROL = frozenset({Role.patrol})
TRANSITIONS: Mapping[Action, Transition] = {
    t.action: t
    for t in (
        _t(Action.accept, {S.reported}, S.accepted, HANDLERS),
        _t(Action.reject, {S.reported, S.accepted}, S.rejected, HANDLERS),
        _t(Action.merge, {S.reported, S.accepted}, S.merged, HANDLERS),
        _t(
            Action.dispatch,
            {S.accepted, S.dispatched, S.in_progress, S.reopened},
            S.dispatched,
            HANDLERS,
        ),
        _t(Action.start, {S.dispatched}, S.in_progress, HANDLERS, team_roles=_PATROL),
        _t(Action.resolve, {S.in_progress}, S.resolved, HANDLERS, team_roles=_PATROL),
        _t(Action.close, {S.resolved}, S.closed, HANDLERS),
        _t(Action.reopen, {S.resolved, S.closed}, S.reopened, HANDLERS, reporter=True),
        _t(Action.rate, {S.resolved, S.closed}, None, HANDLERS, reporter=True),
        _t(Action.supervise, set(OPEN_STATES), None, SUPERVISORS),
    )
}


def actions_from(status: S) -> list[Action]:
    """The actions the table allows from `status`, whoever asks."""
    return [a for a, t in TRANSITIONS.items() if status in t.from_states]


class Authority(NamedTuple):
    """Under which role someone takes an action, and whether only as the incident's reporter."""

    role: Role
    as_reporter: bool


def authority(
    transition: Transition,
    principal: Principal,
    *,
    reported_by: str,
    target_kind: str | None,
) -> Authority | None:
    """Why `principal` may take `transition`, or None when they may not.

    A patrol member acts only while the incident is dispatched to a patrol team; a reporter acts
    under their own (first) role.
    """
    roles = sorted(principal.roles)
    for role in roles:
        if role in transition.roles:
            return Authority(role, as_reporter=False)
        if role in transition.team_roles and target_kind == TargetKind.patrol_team:
            return Authority(role, as_reporter=False)
    if transition.reporter and roles and principal.sub == reported_by:
        return Authority(roles[0], as_reporter=True)
    return None


def allowed_actions(
    status: S, principal: Principal, *, reported_by: str, target_kind: str | None
) -> list[Action]:
    """The actions `principal` may take now (a client shows these as buttons)."""
    return [
        a
        for a in actions_from(status)
        if authority(TRANSITIONS[a], principal, reported_by=reported_by, target_kind=target_kind)
        is not None
    ]


def within_reopen_window(resolved_at: datetime | None, now: datetime) -> bool:
    """Whether a reporter may still reopen an incident resolved at `resolved_at`."""
    return resolved_at is not None and now - resolved_at <= REOPEN_WINDOW


def deadline_stage(status: S, started: bool) -> Stage | None:
    """The time limit the incident runs against in `status` (None: nothing is due)."""
    if status == S.reported:
        return Stage.accept
    if status in (S.accepted, S.dispatched, S.reopened, S.in_progress):
        return Stage.resolve if started or status == S.in_progress else Stage.arrive
    return None
