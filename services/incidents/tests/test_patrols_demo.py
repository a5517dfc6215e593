"""The demo town's patrols load once, with teams of four to six led by the area's patrol leader."""

from __future__ import annotations

from datetime import UTC, datetime

from incidents_patrols import count
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.demo import load_demo_town
from incidents.patrols.demo import DEMO_PATROL_SUBJECT, load_demo_patrols
from incidents.patrols.models import PatrolLog, PatrolMember, PatrolShift, PatrolTeam
from incidents.patrols.service import on_duty
from incidents.patrols.shifts.recurrence import LOCAL_TIME
from pingan_shared.demo_town import build_demo_town

NOW = datetime(2026, 11, 28, tzinfo=UTC)


async def test_demo_patrols_load_idempotently(session: AsyncSession) -> None:
    town = build_demo_town(now=NOW)
    await load_demo_town(session, town)
    first = await load_demo_patrols(session, town)
    communities = [a for a in town.areas if a.level == "community"]
    villages = [a for a in town.areas if a.level == "village"]
    assert first["teams"] == len(communities) + len(villages) == 12
    assert first["guard_points"] == len(town.hot_spots)
    assert first["logs"] > 100
    assert first["track_points"] > 20 * first["logs"]
    again = await load_demo_patrols(session, town)
    assert set(again.values()) == {0}
    assert await count(session, PatrolTeam) == 12
    assert await count(session, PatrolLog) == first["logs"]
    assert await count(session, PatrolShift) == first["shifts"]


async def test_demo_teams_are_led_by_the_areas_patrol_leader(session: AsyncSession) -> None:
    town = build_demo_town(now=NOW)
    await load_demo_town(session, town)
    await load_demo_patrols(session, town)
    teams = (await session.execute(select(PatrolTeam))).scalars().all()
    for team in teams:
        members = (
            (await session.execute(select(PatrolMember).where(PatrolMember.team_id == team.id)))
            .scalars()
            .all()
        )
        assert 4 <= len(members) <= 6, team.name
        leader = next(m for m in members if m.id == team.leader_id)
        contact = next(c for c in town.contacts_for(team.area_code) if c.role == "patrol_leader")
        assert (leader.name, leader.phone) == (contact.name, contact.phone)
    token_member = (
        await session.execute(
            select(PatrolMember).where(PatrolMember.subject == DEMO_PATROL_SUBJECT)
        )
    ).scalar_one()
    nanjie = next(t for t in teams if t.id == token_member.team_id)
    assert nanjie.area_code == "530128100001"
    evening = datetime(2026, 11, 27, 20, 0, tzinfo=LOCAL_TIME)
    assert [t.name for t in await on_duty(session, "530128100001002", evening)] == [nanjie.name]
