"""Queries on teams and members."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.patrols.models import PatrolMember, PatrolTeam, TeamKind


async def list_teams(
    session: AsyncSession,
    prefixes: Sequence[str],
    *,
    kind: TeamKind | None,
    active: bool | None,
    team_ids: Collection[uuid.UUID] | None,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[PatrolTeam]:
    """Teams inside any of `prefixes` (and among `team_ids` if given), by area, name and id."""
    if not prefixes or (team_ids is not None and not team_ids):
        return []
    query = select(PatrolTeam).where(
        or_(*[col(PatrolTeam.area_code).startswith(p) for p in prefixes])
    )
    if kind is not None:
        query = query.where(col(PatrolTeam.kind) == kind.value)
    if active is not None:
        query = query.where(col(PatrolTeam.active).is_(active))
    if team_ids is not None:
        query = query.where(col(PatrolTeam.id).in_(team_ids))
    key = tuple_(col(PatrolTeam.area_code), col(PatrolTeam.name), col(PatrolTeam.id))
    if after is not None:
        query = query.where(key > tuple_(*after))
    query = query.order_by(col(PatrolTeam.area_code), col(PatrolTeam.name), col(PatrolTeam.id))
    return list((await session.execute(query.limit(limit))).scalars())


async def members_by_team(
    session: AsyncSession, team_ids: Collection[uuid.UUID], *, active_only: bool = False
) -> dict[uuid.UUID, list[PatrolMember]]:
    """The members of each team, by name."""
    if not team_ids:
        return {}
    query = select(PatrolMember).where(col(PatrolMember.team_id).in_(team_ids))
    if active_only:
        query = query.where(col(PatrolMember.active).is_(True))
    query = query.order_by(col(PatrolMember.name), col(PatrolMember.id))
    result: dict[uuid.UUID, list[PatrolMember]] = defaultdict(list)
    for member in (await session.execute(query)).scalars():
        result[member.team_id].append(member)
    return result


async def members_of(session: AsyncSession, team_id: uuid.UUID) -> list[PatrolMember]:
    """The members of one team, by name."""
    return (await members_by_team(session, [team_id])).get(team_id, [])
