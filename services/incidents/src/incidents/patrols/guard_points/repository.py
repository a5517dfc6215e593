"""Queries on guard points and their guards."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, exists, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.models import GuardAssignment, GuardPoint, PatrolMember


async def list_guard_points(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    active: bool | None,
    team_ids: Collection[uuid.UUID] | None,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[GuardPoint]:
    """Guard points inside `prefixes`; with `team_ids`, only those a member of them holds."""
    if not prefixes or (team_ids is not None and not team_ids):
        return []
    query = select(GuardPoint).where(
        or_(*[col(GuardPoint.area_code).startswith(p) for p in prefixes])
    )
    if active is not None:
        query = query.where(col(GuardPoint.active).is_(active))
    if team_ids is not None:
        query = query.where(held_by_teams(team_ids))
    key = tuple_(col(GuardPoint.area_code), col(GuardPoint.name), col(GuardPoint.id))
    if after is not None:
        query = query.where(key > tuple_(*after))
    query = query.order_by(col(GuardPoint.area_code), col(GuardPoint.name), col(GuardPoint.id))
    return list((await session.execute(query.limit(limit))).scalars())


def held_by_teams(team_ids: Collection[uuid.UUID]) -> Any:
    """A condition: the guard point has a guard from one of `team_ids`."""
    return exists().where(
        col(GuardAssignment.guard_point_id) == col(GuardPoint.id),
        col(GuardAssignment.member_id) == col(PatrolMember.id),
        col(PatrolMember.team_id).in_(team_ids),
    )


async def guards_by_point(
    session: AsyncSession, point_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[PatrolMember]]:
    """The members holding each point, by name."""
    if not point_ids:
        return {}
    query = (
        select(col(GuardAssignment.guard_point_id), PatrolMember)
        .join(PatrolMember, col(PatrolMember.id) == col(GuardAssignment.member_id))
        .where(col(GuardAssignment.guard_point_id).in_(point_ids))
        .order_by(col(PatrolMember.name), col(PatrolMember.id))
    )
    result: dict[uuid.UUID, list[PatrolMember]] = defaultdict(list)
    for point_id, member in await session.execute(query):
        result[point_id].append(member)
    return result


async def replace_guards(
    session: AsyncSession, point_id: uuid.UUID, member_ids: Sequence[uuid.UUID]
) -> None:
    """Make `member_ids` the guards of a point."""
    await session.execute(
        delete(GuardAssignment).where(col(GuardAssignment.guard_point_id) == point_id)
    )
    session.add_all(GuardAssignment(guard_point_id=point_id, member_id=m) for m in member_ids)
    await session.flush()
