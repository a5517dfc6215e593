"""Who is on duty (在岗) in an area at a moment: what automatic dispatch asks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.patrols.models import PatrolMember, TeamKind
from incidents.patrols.shifts import repository
from incidents.patrols.shifts.schemas import OnDutyMember, OnDutyTeam
from incidents.patrols.teams.repository import members_by_team


async def on_duty(
    session: AsyncSession, area_code: str, at: datetime, *, include_inside: bool = False
) -> list[OnDutyTeam]:
    """The active teams on duty in `area_code` at `at`: those with an uncancelled shift whose
    area is `area_code` or contains it (start ≤ at < end), most local shift first, each with its
    active members, leader first (phones unmasked: for dispatch, not for display). With
    `include_inside`, teams on shifts over areas inside `area_code` count too."""
    found = await repository.shifts_covering(session, area_code, at, include_inside=include_inside)
    members = await members_by_team(session, [team.id for _, team in found], active_only=True)
    teams = []
    for shift, team in found:
        people = [_on_duty_member(m, m.id == team.leader_id) for m in members.get(team.id, [])]
        people.sort(key=lambda p: not p.leader)  # stable: the leader first, then by name
        teams.append(
            OnDutyTeam(
                team_id=team.id,
                name=team.name,
                kind=TeamKind(team.kind),
                area_code=team.area_code,
                shift_id=shift.id,
                shift_area_code=shift.area_code,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                route=shift.route,
                members=people,
            )
        )
    teams.sort(key=lambda t: (-len(t.shift_area_code), t.name, str(t.team_id)))
    return teams


def _on_duty_member(member: PatrolMember, leader: bool) -> OnDutyMember:
    return OnDutyMember(
        id=member.id,
        name=member.name,
        phone=member.phone,
        wecom_user_id=member.wecom_user_id,
        leader=leader,
    )
