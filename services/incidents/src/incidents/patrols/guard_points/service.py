"""The rules of guard points: a place in the caller's areas, held by active members they see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.access import own_team_ids, writable_area
from incidents.patrols.guard_points import repository
from incidents.patrols.guard_points.schemas import GuardPointCreate, GuardPointUpdate
from incidents.patrols.models import GuardPoint, PatrolMember, PatrolTeam
from incidents.patrols.positions import wgs84
from incidents.patrols.uniqueness import flush_unique
from pingan_shared.auth import Principal
from pingan_shared.concurrency import check_version
from pingan_shared.errors import field_error, not_found

POINT_UNIQUE = {
    "uq_guard_points_area_code_name": ("body.name", "a guard point of this name exists here")
}
GUARDS_FIELD = "body.guard_member_ids"


async def _check_guards(
    session: AsyncSession, principal: Principal, member_ids: Sequence[uuid.UUID]
) -> None:
    """Each guard is an active member of a team in the caller's areas, given once."""
    query = (
        select(col(PatrolMember.id), col(PatrolTeam.area_code))
        .join(PatrolTeam, col(PatrolTeam.id) == col(PatrolMember.team_id))
        .where(col(PatrolMember.id).in_(member_ids), col(PatrolMember.active).is_(True))
    )
    usable = {
        member_id
        for member_id, area_code in (await session.execute(query))
        if principal.can_see(area_code)
    }
    for index, member_id in enumerate(member_ids):
        if member_id in member_ids[:index]:
            raise field_error(f"{GUARDS_FIELD}.{index}", "given twice", "duplicate")
        if member_id not in usable:
            raise field_error(f"{GUARDS_FIELD}.{index}", "not an active member you may assign")


async def create_guard_point(
    session: AsyncSession, body: GuardPointCreate, principal: Principal
) -> GuardPoint:
    """Create a guard point in the caller's areas, with its guards."""
    await writable_area(session, principal, body.area_code)
    position = body.position
    lat, lon = wgs84(position.lat, position.lon, position.coord_system, "body.position")
    await _check_guards(session, principal, body.guard_member_ids)
    point = GuardPoint(
        name=body.name,
        area_code=body.area_code,
        lat=lat,
        lon=lon,
        address=position.address,
        active=body.active,
    )
    session.add(point)
    await flush_unique(session, POINT_UNIQUE)
    await repository.replace_guards(session, point.id, body.guard_member_ids)
    await session.refresh(point)
    return point


async def visible_guard_point(
    session: AsyncSession, principal: Principal, point_id: uuid.UUID
) -> GuardPoint:
    """A guard point the caller may see (a patrol member: one their team holds); 404 otherwise."""
    point = await session.get(GuardPoint, point_id)
    if point is None or not principal.can_see(point.area_code):
        raise not_found("guard point")
    own = await own_team_ids(session, principal)
    if own is not None:
        guards = await repository.guards_by_point(session, [point.id])
        if not any(g.team_id in own for g in guards.get(point.id, [])):
            raise not_found("guard point")
    return point


async def update_guard_point(
    session: AsyncSession,
    point_id: uuid.UUID,
    body: GuardPointUpdate,
    if_match: str | None,
    principal: Principal,
) -> GuardPoint:
    """Change a guard point at the version the caller read."""
    point = await visible_guard_point(session, principal, point_id)
    await session.refresh(point, with_for_update=True)
    check_version(point.version, if_match)
    if body.name is not None:
        point.name = body.name
    if body.active is not None:
        point.active = body.active
    if body.position is not None:
        p = body.position
        point.lat, point.lon = wgs84(p.lat, p.lon, p.coord_system, "body.position")
        point.address = p.address
    if body.guard_member_ids is not None:
        await _check_guards(session, principal, body.guard_member_ids)
        await repository.replace_guards(session, point.id, body.guard_member_ids)
    point.version += 1
    await flush_unique(session, POINT_UNIQUE)
    return point
