"""The transition table as plain data: every allowed step, a sample of refused ones, who may take
them, the reopen window, which deadline each state runs against, and the escalation ladder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidents.intake.models import IncidentStatus
from incidents.workflow.escalation import escalation_level
from incidents.workflow.models import Action, Stage
from incidents.workflow.transitions import (
    TRANSITIONS,
    actions_from,
    allowed_actions,
    authority,
    deadline_stage,
    within_reopen_window,
)
from pingan_shared.auth import Principal, Role

R, A, RJ, M, D, IP, RS, C, RO = (
    "reported",
    "accepted",
    "rejected",
    "merged",
    "dispatched",
    "in_progress",
    "resolved",
    "closed",
    "reopened",
)
# (action, from) → to; the workflow 上报 → 受理 → 分拨 → 处置 → 办结 → 督办 → 评价.
ALLOWED = {
    ("accept", R): A,
    ("reject", R): RJ,
    ("reject", A): RJ,
    ("merge", R): M,
    ("merge", A): M,
    ("dispatch", A): D,
    ("dispatch", D): D,
    ("dispatch", IP): D,
    ("dispatch", RO): D,
    ("start", D): IP,
    ("resolve", IP): RS,
    ("close", RS): C,
    ("reopen", RS): RO,
    ("reopen", C): RO,
    ("rate", RS): RS,
    ("rate", C): C,
    **{("supervise", s): s for s in (R, A, D, IP, RO)},
}
STATES = [s.value for s in IncidentStatus]


def test_the_table_allows_exactly_the_listed_steps() -> None:
    table = {
        (t.action.value, s.value): (t.to_state or s).value
        for t in TRANSITIONS.values()
        for s in t.from_states
    }
    assert table == ALLOWED


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("accept", A),
        ("accept", D),
        ("dispatch", R),
        ("start", A),
        ("resolve", D),
        ("close", IP),
        ("reopen", IP),
        ("rate", IP),
        ("supervise", RS),
        ("merge", D),
        ("reject", RS),
    ],
)
def test_a_sample_of_refused_steps(action: str, state: str) -> None:
    assert Action(action) not in actions_from(IncidentStatus(state))


def test_terminal_states_allow_nothing() -> None:
    for state in (RJ, M):
        assert actions_from(IncidentStatus(state)) == []


def _who(*roles: Role, sub: str = "someone") -> Principal:
    return Principal(sub=sub, roles=frozenset(roles), areas=("530128",))


def test_patrol_members_start_and_resolve_only_for_a_patrol_team() -> None:
    start = TRANSITIONS[Action.start]
    patrol = _who(Role.patrol)
    assert authority(start, patrol, reported_by="x", target_kind="patrol_team") is not None
    assert authority(start, patrol, reported_by="x", target_kind="police_office") is None
    assert authority(start, _who(Role.police), reported_by="x", target_kind=None) is not None


def test_the_reporter_may_reopen_and_rate_whatever_their_role() -> None:
    reporter = _who(Role.patrol, sub="r-1")
    for action in (Action.reopen, Action.rate):
        granted = authority(TRANSITIONS[action], reporter, reported_by="r-1", target_kind=None)
        assert granted is not None
        assert granted.as_reporter
        assert authority(TRANSITIONS[action], reporter, reported_by="r-2", target_kind=None) is None
    assert (
        authority(TRANSITIONS[Action.close], reporter, reported_by="r-1", target_kind=None) is None
    )


def test_allowed_actions_are_those_of_the_state_the_caller_may_take() -> None:
    leader = _who(Role.leader)
    assert allowed_actions(IncidentStatus.reported, leader, reported_by="x", target_kind=None) == [
        Action.supervise
    ]
    police = _who(Role.police)
    assert allowed_actions(IncidentStatus.reported, police, reported_by="x", target_kind=None) == [
        Action.accept,
        Action.reject,
        Action.merge,
    ]


def test_reopen_window_is_seven_days_from_resolution() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert within_reopen_window(now - timedelta(days=7), now)
    assert not within_reopen_window(now - timedelta(days=7, seconds=1), now)
    assert not within_reopen_window(None, now)


@pytest.mark.parametrize(
    ("state", "started", "stage"),
    [
        (R, False, Stage.accept),
        (A, False, Stage.arrive),
        (D, False, Stage.arrive),
        (D, True, Stage.resolve),
        (IP, True, Stage.resolve),
        (RO, False, Stage.arrive),
        (RS, True, None),
        (C, True, None),
        (RJ, False, None),
        (M, False, None),
    ],
)
def test_each_state_runs_against_one_deadline(
    state: str, started: bool, stage: Stage | None
) -> None:
    assert deadline_stage(IncidentStatus(state), started) == stage


def test_escalation_climbs_one_level_per_time_limit_up_to_the_top() -> None:
    step = timedelta(minutes=60)
    assert escalation_level(timedelta(0), step, levels=2) == 1
    assert escalation_level(timedelta(minutes=59), step, levels=2) == 1
    assert escalation_level(timedelta(minutes=60), step, levels=2) == 2
    assert escalation_level(timedelta(days=3), step, levels=2) == 2
