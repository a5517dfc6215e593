"""Who may do what with patrols, and which teams a caller sees.

- Staff (admin, leader, police, community) manage teams, members, guard points, schedules and
  shifts in their areas, and read everything patrol-related there.
- A patrol member's token is matched to members by `sub` = `patrol_members.subject`; they read
  their own teams' records and write their own teams' logs, track points and findings.
- `service` reads (other services and county systems); inspectors read coverage figures only.
- Anything outside the caller's areas, or a team not the patrol member's own, is a 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas import repository as areas
from incidents.areas.models import Area
from incidents.patrols.models import PatrolMember, PatrolTeam
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.errors import ProblemError, field_error, not_found

MANAGERS = (Role.admin, Role.leader, Role.police, Role.community)
UNRESTRICTED_READERS = (*MANAGERS, Role.service)
READERS = (*UNRESTRICTED_READERS, Role.patrol)
COVERAGE_READERS = (*READERS, Role.inspector)
LOGGERS = (Role.patrol,)
SEES_MEMBER_PHONE = frozenset({Role.admin, Role.police, Role.community, Role.patrol})
"""Staff who call volunteers, and teammates; leaders and other systems see masked numbers."""

ManagerDep = Annotated[Principal, Depends(require_roles(*MANAGERS))]
PatrolReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]
CoverageReaderDep = Annotated[Principal, Depends(require_roles(*COVERAGE_READERS))]
LoggerDep = Annotated[Principal, Depends(require_roles(*LOGGERS))]


async def own_team_ids(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """The teams a patrol-only caller belongs to (active membership); None when not restricted."""
    if principal.has_any(UNRESTRICTED_READERS):
        return None
    query = select(col(PatrolMember.team_id)).where(
        col(PatrolMember.subject) == principal.sub, col(PatrolMember.active).is_(True)
    )
    return set((await session.execute(query)).scalars())


async def member_of(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID
) -> PatrolMember | None:
    """The caller's own active member record in a team, if any."""
    query = select(PatrolMember).where(
        col(PatrolMember.team_id) == team_id,
        col(PatrolMember.subject) == principal.sub,
        col(PatrolMember.active).is_(True),
    )
    return (await session.execute(query)).scalar_one_or_none()


async def find_visible_team(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID
) -> PatrolTeam | None:
    """A team the caller may see, or None when it does not exist, lies outside their areas or
    is not a patrol member's own."""
    team = await session.get(PatrolTeam, team_id)
    if team is None or not principal.can_see(team.area_code):
        return None
    own = await own_team_ids(session, principal)
    if own is not None and team.id not in own:
        return None
    return team


async def visible_team(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID
) -> PatrolTeam:
    """A team the caller may see; 404 otherwise."""
    team = await find_visible_team(session, principal, team_id)
    if team is None:
        raise not_found("patrol team")
    return team


async def writable_area(
    session: AsyncSession, principal: Principal, code: str, field: str = "body.area_code"
) -> Area:
    """An area the caller may create things in: 422 naming `field` when unknown, 403 outside
    the caller's areas (as for reporting an incident there)."""
    area = await areas.get_area(session, code)
    if area is None:
        raise field_error(field, f"unknown area {code!r}", "unknown_area")
    if not principal.can_see(area.code):
        raise ProblemError(403, "outside-areas", "you may not act in this area")
    return area
