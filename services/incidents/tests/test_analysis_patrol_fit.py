"""Patrol fit (巡防匹配度): the three shares counted by hand on a small week of patrols and
incidents, the hot cells no patrol saw, the GeoJSON map, bad input and the permission matrix."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import h3
import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_listing import add_incidents, incident_row
from incidents_patrols import add_team, local
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis.patrol_fit import coarser, fit_counts, hours_seen, presence_at
from incidents.patrols.cells import place_cell
from incidents.patrols.models import PatrolLog, TrackPoint
from pingan_shared.geo import offset
from pingan_shared.testing import bearer

P = (25.5528, 102.4688)
Q = offset(*P, north_m=0, east_m=600)
S = offset(*P, north_m=-600, east_m=0)
Z = offset(*P, north_m=2500, east_m=0)
WEEK = "from=2026-11-16T00:00:00%2B08:00&to=2026-11-23T00:00:00%2B08:00"
ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_READ = {"admin", "leader", "police", "community", "service", "inspector"}


def test_the_shares_count_cells_hours_and_both() -> None:
    presence = {("a", 68), ("b", 69)}
    incidents = {("a", 68): 2, ("a", 69): 1, ("c", 69): 4, ("a", 3): 1}
    counts = fit_counts(incidents, presence, hours={68, 69})
    assert (counts.incidents, counts.in_cells, counts.in_hours, counts.in_cells_and_hours) == (
        8,
        4,
        7,
        2,
    )
    assert hours_seen(presence | {("a", 70)}) == {"a": 2, "b": 1}


def test_presence_moves_to_coarser_cells() -> None:
    fine = place_cell(*P)
    assert coarser(fine, 9) == fine
    assert coarser(fine, 7) == h3.cell_to_parent(fine, 7)
    assert presence_at({(fine, 1)}, 8) == {(h3.cell_to_parent(fine, 8), 1)}


async def _patrols(session: AsyncSession) -> PatrolLog:
    """A week of 南街 patrols (and one of 北街); returns the Wednesday evening patrol."""
    team, (member, other) = await add_team(
        session, NANJIE, "南街巡防队", [("李", "13800000001", "p1"), ("王", "13800000002", "p2")]
    )
    beijie, (far,) = await add_team(session, BEIJIE, "北街巡防队", [("张", "13900000001", "p3")])

    def log(
        team_id: Any,
        member_id: Any,
        area: str,
        at: str,
        where: tuple[float, float],
        hours: float | None,
    ) -> PatrolLog:
        start = local(at)
        return PatrolLog(
            team_id=team_id,
            member_id=member_id,
            area_code=area,
            started_at=start,
            start_lat=where[0],
            start_lon=where[1],
            start_cell=place_cell(*where),
            ended_at=start + timedelta(hours=hours) if hours else None,
            created_by="p",
        )

    wednesday = log(team.id, member.id, NANJIE, "2026-11-18 20:00", P, 2.5)
    open_log = log(team.id, other.id, NANJIE, "2026-11-21 09:00", S, None)
    elsewhere = log(beijie.id, far.id, BEIJIE, "2026-11-20 10:00", Z, 1)
    session.add_all([wednesday, open_log, elsewhere])
    await session.flush()
    session.add_all(
        [
            TrackPoint(
                log_id=wednesday.id,
                at=local("2026-11-18 20:30"),
                lat=P[0],
                lon=P[1],
                cell=place_cell(*P),
            ),
            TrackPoint(
                log_id=wednesday.id,
                at=local("2026-11-18 21:15"),
                lat=Q[0],
                lon=Q[1],
                cell=place_cell(*Q),
            ),
            TrackPoint(
                log_id=elsewhere.id,
                at=local("2026-11-20 10:30"),
                lat=Z[0],
                lon=Z[1],
                cell=place_cell(*Z),
            ),
        ]
    )
    await session.flush()
    return wednesday


def _at(when: str, where: tuple[float, float], **overrides: Any) -> dict[str, Any]:
    return incident_row(
        **{"occurred_at": local(when), "lat": where[0], "lon": where[1], **overrides}
    )


async def test_the_route_counts_a_week_by_hand(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await seed_areas(session)
    await _patrols(session)
    await add_incidents(
        session,
        _at("2026-11-18 20:40", P),  # cell, hour, both
        _at("2026-11-18 21:50", P),  # cell, hour (the patrol was in Q at 21:xx)
        _at("2026-11-16 21:10", P),  # cell only
        _at("2026-11-18 21:20", Z),  # hour only (Z was patrolled from 北街, not 南街)
        _at("2026-11-21 09:30", S),  # cell and both: an open patrol checked in there
        _at("2026-11-24 20:40", P),  # after the week
        _at("2026-11-18 20:40", P, area_code=BEIJIE),  # another area
    )
    response = await client.get(
        f"/v1/analysis/patrol-fit?area={NANJIE}&{WEEK}", headers=bearer("leader")
    )
    assert response.status_code == 200, response.text
    fit = response.json()
    assert (fit["incidents"], fit["patrolled_cells"], fit["patrolled_hours_of_week"]) == (5, 3, 3)
    assert fit["in_patrolled_cells"] == {"count": 4, "share": 0.8}
    assert fit["in_patrolled_hours"] == {"count": 3, "share": 0.6}
    assert fit["in_patrolled_cells_and_hours"] == {"count": 2, "share": 0.4}
    assert fit["resolution"] == 9


async def test_hot_cells_no_patrol_saw_are_named_and_mapped(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await seed_areas(session)
    wednesday = await _patrols(session)
    hot = place_cell(*Z)
    ring = sorted(h3.grid_disk(hot, 1))
    rows = [_at("2026-11-17 03:00", h3.cell_to_latlng(cell)) for cell in ring for _ in range(5)]
    rows += [_at("2026-11-19 14:00", P)]
    await add_incidents(session, *rows)
    fit = (
        await client.get(f"/v1/analysis/patrol-fit?area={NANJIE}&{WEEK}", headers=bearer("police"))
    ).json()
    unpatrolled = {c["cell"]: c for c in fit["hot_unpatrolled"]}
    assert hot in unpatrolled
    assert unpatrolled[hot]["count"] == 5
    assert unpatrolled[hot]["patrolled_hours"] == 0
    assert set(unpatrolled) <= set(ring)
    assert fit["hot_patrolled"] == []
    assert fit["hot_cells"] == len(unpatrolled)

    geo = await client.get(
        f"/v1/analysis/patrol-fit.geojson?area={NANJIE}&{WEEK}", headers=bearer("police")
    )
    assert geo.status_code == 200
    assert geo.headers["content-type"].startswith("application/geo+json")
    collection = geo.json()
    assert collection["type"] == "FeatureCollection"
    feature = next(f for f in collection["features"] if f["id"] == hot)
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["patrolled"] is False
    ring_coordinates = feature["geometry"]["coordinates"][0]
    assert ring_coordinates[0] == ring_coordinates[-1]

    # A 南街 patrol passes through the hot cell at 22:10 on Wednesday: it is patrolled now.
    session.add(
        TrackPoint(log_id=wednesday.id, at=local("2026-11-18 22:10"), lat=Z[0], lon=Z[1], cell=hot)
    )
    await session.flush()
    again = (
        await client.get(f"/v1/analysis/patrol-fit?area={NANJIE}&{WEEK}", headers=bearer("police"))
    ).json()
    patrolled = {c["cell"]: c["patrolled_hours"] for c in again["hot_patrolled"]}
    assert patrolled == {hot: 1}
    assert hot not in {c["cell"] for c in again["hot_unpatrolled"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("&resolution=10", "query.resolution"),
        ("&resolution=6", "query.resolution"),
        ("&category=no_such", "query.category"),
        ("&from=2026-11-23T00:00:00%2B08:00&to=2026-11-16T00:00:00%2B08:00", "query.from"),
        ("&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "query.to"),
    ],
)
async def test_bad_input_names_the_field(
    client: httpx.AsyncClient, session: AsyncSession, query: str, field: str
) -> None:
    await seed_areas(session)
    response = await client.get(
        f"/v1/analysis/patrol-fit?area={NANJIE}{query}", headers=bearer("leader")
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", ["patrol-fit", "patrol-fit.geojson"])
async def test_patrol_fit_matrix(
    client: httpx.AsyncClient, session: AsyncSession, role: str, path: str
) -> None:
    await seed_areas(session)
    inside = await client.get(
        f"/v1/analysis/{path}?area={NANJIE}&{WEEK}", headers=bearer(role, areas=[NANJIE])
    )
    assert inside.status_code == (200 if role in MAY_READ else 403), inside.text
    outside = await client.get(
        f"/v1/analysis/{path}?area={BEIJIE}&{WEEK}", headers=bearer(role, areas=[NANJIE])
    )
    assert outside.status_code == (404 if role in MAY_READ else 403)
