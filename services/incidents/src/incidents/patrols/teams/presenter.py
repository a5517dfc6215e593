"""How teams and members are shown: phones masked unless the role needs them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from incidents.patrols.access import SEES_MEMBER_PHONE
from incidents.patrols.models import PatrolMember, PatrolTeam, TeamKind
from incidents.patrols.teams.schemas import MemberOut, TeamOut
from pingan_shared.auth import Principal
from pingan_shared.observability import mask_phones


def member_phone(phone: str, principal: Principal) -> str:
    """The phone as `principal` may see it."""
    return phone if principal.has_any(SEES_MEMBER_PHONE) else mask_phones(phone)


def present_member(member: PatrolMember, leader: bool, principal: Principal) -> MemberOut:
    """A member as `principal` may see them."""
    return MemberOut(
        id=member.id,
        team_id=member.team_id,
        name=member.name,
        phone=member_phone(member.phone, principal),
        wecom_user_id=member.wecom_user_id,
        subject=member.subject,
        leader=leader,
        active=member.active,
        version=member.version,
    )


def present_team(
    team: PatrolTeam, members: Sequence[PatrolMember], principal: Principal
) -> TeamOut:
    """A team with its members as `principal` may see them."""
    assert isinstance(team.created_at, datetime)
    return TeamOut(
        id=team.id,
        name=team.name,
        kind=TeamKind(team.kind),
        area_code=team.area_code,
        leader_id=team.leader_id,
        active=team.active,
        version=team.version,
        created_at=team.created_at,
        members=[present_member(m, m.id == team.leader_id, principal) for m in members],
    )
