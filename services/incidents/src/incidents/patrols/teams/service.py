"""The rules of teams and members: unique names and phones, a leader who is an active member."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.patrols.access import find_visible_team, visible_team, writable_area
from incidents.patrols.models import PatrolMember, PatrolTeam
from incidents.patrols.teams.schemas import MemberCreate, MemberUpdate, TeamCreate, TeamUpdate
from incidents.patrols.uniqueness import flush_unique
from pingan_shared.auth import Principal
from pingan_shared.concurrency import check_version
from pingan_shared.errors import field_error, not_found

TEAM_UNIQUE = {"uq_patrol_teams_area_code_name": ("body.name", "a team of this name exists here")}
MEMBER_UNIQUE = {
    "uq_patrol_members_team_id_phone": ("body.phone", "this phone is in the team already"),
    "uq_patrol_members_team_id_subject": ("body.subject", "this subject is in the team already"),
}


def _new_member(team_id: uuid.UUID, body: MemberCreate) -> PatrolMember:
    return PatrolMember(
        team_id=team_id,
        name=body.name,
        phone=body.phone,
        wecom_user_id=body.wecom_user_id,
        subject=body.subject,
        active=body.active,
    )


async def create_team(
    session: AsyncSession, body: TeamCreate, principal: Principal
) -> tuple[PatrolTeam, list[PatrolMember]]:
    """Create a team with its first members and, if one is marked, its leader."""
    await writable_area(session, principal, body.area_code)
    phones = [m.phone for m in body.members]
    for index, phone in enumerate(phones):
        if phone in phones[:index]:
            raise field_error(f"body.members.{index}.phone", "given twice", "duplicate")
    team = PatrolTeam(
        name=body.name, kind=body.kind.value, area_code=body.area_code, active=body.active
    )
    session.add(team)
    await flush_unique(session, TEAM_UNIQUE)
    members = [_new_member(team.id, m) for m in body.members]
    session.add_all(members)
    await flush_unique(session, MEMBER_UNIQUE)
    leaders = [m for m, given in zip(members, body.members, strict=True) if given.leader]
    if leaders:
        team.leader_id = leaders[0].id
    await session.flush()
    await session.refresh(team)
    return team, members


async def update_team(
    session: AsyncSession,
    team_id: uuid.UUID,
    body: TeamUpdate,
    if_match: str | None,
    principal: Principal,
) -> PatrolTeam:
    """Change a team's name, leader or active flag, at the version the caller read."""
    team = await visible_team(session, principal, team_id)
    await session.refresh(team, with_for_update=True)
    check_version(team.version, if_match)
    given = body.model_fields_set
    if "name" in given and body.name is not None:
        team.name = body.name
    if "active" in given and body.active is not None:
        team.active = body.active
    if "leader_id" in given:
        if body.leader_id is not None:
            leader = await session.get(PatrolMember, body.leader_id)
            if leader is None or leader.team_id != team.id or not leader.active:
                raise field_error("body.leader_id", "not an active member of this team")
        team.leader_id = body.leader_id
    team.version += 1
    await flush_unique(session, TEAM_UNIQUE)
    return team


async def add_member(
    session: AsyncSession, team_id: uuid.UUID, body: MemberCreate, principal: Principal
) -> PatrolMember:
    """Add a member to a team in the caller's areas."""
    team = await visible_team(session, principal, team_id)
    member = _new_member(team.id, body)
    session.add(member)
    await flush_unique(session, MEMBER_UNIQUE)
    await session.refresh(member)
    return member


async def visible_member(
    session: AsyncSession, principal: Principal, member_id: uuid.UUID
) -> tuple[PatrolMember, PatrolTeam]:
    """A member of a team the caller may see, and the team; 404 otherwise."""
    member = await session.get(PatrolMember, member_id)
    if member is None:
        raise not_found("patrol member")
    team = await find_visible_team(session, principal, member.team_id)
    if team is None:
        raise not_found("patrol member")
    return member, team


async def update_member(
    session: AsyncSession,
    member_id: uuid.UUID,
    body: MemberUpdate,
    if_match: str | None,
    principal: Principal,
) -> tuple[PatrolMember, PatrolTeam]:
    """Change a member at the version the caller read; a leader made inactive stops leading."""
    member, team = await visible_member(session, principal, member_id)
    await session.refresh(member, with_for_update=True)
    check_version(member.version, if_match)
    given = body.model_fields_set
    for name in ("name", "phone", "active"):
        value = getattr(body, name)
        if name in given and value is not None:
            setattr(member, name, value)
    for name in ("wecom_user_id", "subject"):
        if name in given:
            setattr(member, name, getattr(body, name))
    member.version += 1
    if not member.active and team.leader_id == member.id:
        # Locked first: a concurrent change of the team must not end at the same version.
        await session.refresh(team, with_for_update=True)
        team.leader_id = None
        team.version += 1
    await flush_unique(session, MEMBER_UNIQUE)
    return member, team
