"""Series (系列案件): the stated linking rule on small hand-made cases, the bound on candidate
pairs, the route's answers and problems, and the demo town's burglary series found whole."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_listing import add_incidents, incident_row
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis.series import (
    SeriesIncident,
    SeriesRules,
    TooManyPairsError,
    contradict,
    find_series,
)
from incidents.demo import load_demo_town
from pingan_shared.demo_town import build_demo_town
from pingan_shared.demo_town.incident_templates import SERIES_METHODS
from pingan_shared.geo import offset
from pingan_shared.testing import bearer

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
HOME = (25.5528, 102.4688)
MO = "白天撬开入户门锁芯入室"
ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_READ = {"admin", "leader", "police", "community", "service", "inspector"}


def incident(
    north_m: float = 0, days: float = 0, mo: tuple[str, ...] = (MO,), **fields: Any
) -> SeriesIncident:
    """A burglary `north_m` north of HOME, `days` after T0."""
    lat, lon = offset(*HOME, north_m=north_m, east_m=0)
    base: dict[str, Any] = {
        "id": uuid.uuid4(),
        "category": "burglary",
        "occurred_at": T0 + timedelta(days=days),
        "lat": lat,
        "lon": lon,
        "modus_operandi": mo,
    }
    return SeriesIncident(**{**base, **fields})


def test_linked_incidents_form_a_series_and_the_rest_stay_out() -> None:
    incidents = [
        incident(0, 0, suspect_traits="外地口音，戴鸭舌帽"),
        incident(300, 10, suspect_traits="戴鸭舌帽、背双肩包"),
        incident(600, 20),
        incident(3000, 5),  # too far
        incident(100, 70),  # too long after
        incident(50, 3, category="theft"),  # another category
        incident(50, 4, mo=("夜间剪断车锁推走电动车",)),  # another method
        incident(50, 6, mo=()),  # no method recorded
    ]
    [series] = find_series(incidents, SeriesRules())
    assert series.members == [0, 1, 2]
    links = {(k.a, k.b): k for k in series.links}
    assert set(links) == {(0, 1), (0, 2), (1, 2)}
    assert links[0, 1].distance_m == pytest.approx(300, abs=0.5)
    assert (links[0, 1].days_apart, links[0, 1].mo_similarity) == (10, 1.0)
    assert links[0, 1].shared_traits == ("戴鸭舌帽",)


def test_a_chain_joins_ends_farther_apart_than_the_window() -> None:
    # Single linkage, as stated: 0-1 and 1-2 are 25 days apart, 0-2 fifty.
    found = find_series([incident(0, 0), incident(0, 25), incident(0, 50)], SeriesRules())
    assert [s.members for s in found] == [[0, 1, 2]]
    assert {(k.a, k.b) for k in found[0].links} == {(0, 1), (1, 2)}


def test_alike_methods_link_and_unlike_ones_do_not() -> None:
    alike = [incident(0, 0, mo=(m,)) for m in SERIES_METHODS]
    assert [s.members for s in find_series(alike, SeriesRules())] == [[0, 1, 2]]
    strict = SeriesRules(mo_similarity=0.95)
    assert find_series(alike, strict) == []


def test_contradicting_suspects_are_not_linked() -> None:
    male = incident(suspect_gender="male", suspect_age_band="26_35")
    assert contradict(male, incident(suspect_gender="female"))
    assert contradict(male, incident(suspect_age_band="18_25"))
    assert contradict(incident(suspect_non_local=True), incident(suspect_non_local=False))
    assert not contradict(male, incident(suspect_gender="unknown", suspect_age_band="26_35"))
    assert not contradict(male, incident(suspect_gender="mixed"))
    assert not contradict(male, incident())
    pair = [male, incident(100, 2, suspect_gender="female")]
    assert find_series(pair, SeriesRules(min_size=2)) == []
    # Single linkage: an incident that records no suspects links to both, and joins them.
    trio = [*pair, incident(200, 4)]
    [series] = find_series(trio, SeriesRules())
    assert {(k.a, k.b) for k in series.links} == {(0, 2), (1, 2)}


def test_min_size_and_the_pair_bound() -> None:
    pair = [incident(0, 0), incident(10, 1)]
    assert find_series(pair, SeriesRules()) == []
    assert [s.members for s in find_series(pair, SeriesRules(min_size=2))] == [[0, 1]]
    crowd = [incident(n, n / 10) for n in range(40)]
    with pytest.raises(TooManyPairsError):
        find_series(crowd, SeriesRules(), max_pairs=100)
    assert len(find_series(crowd, SeriesRules(), max_pairs=780)[0].members) == 40


def _row(north_m: float, days: float, **overrides: Any) -> dict[str, Any]:
    lat, lon = offset(*HOME, north_m=north_m, east_m=0)
    return incident_row(
        **{
            "category": "burglary",
            "occurred_at": T0 + timedelta(days=days),
            "lat": lat,
            "lon": lon,
            "modus_operandi": [MO],
            **overrides,
        }
    )


QUERY = "/v1/analysis/series?area={area}&from=2026-08-01T00:00:00Z&to=2026-11-01T00:00:00Z"


async def test_the_route_answers_members_and_reasons(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await seed_areas(session)
    ids = await add_incidents(
        session,
        _row(0, 0, suspect_traits="外地口音"),
        _row(200, 8, suspect_traits="外地口音，戴鸭舌帽"),
        _row(400, 16),
        _row(0, 3, modus_operandi=[]),  # no method: not considered
        _row(0, 100),  # outside the period
    )
    response = await client.get(QUERY.format(area=NANJIE), headers=bearer("leader"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["considered"], answer["truncated"]) == (3, False)
    [series] = answer["series"]
    assert [m["id"] for m in series["members"]] == [str(i) for i in ids[:3]]
    assert (series["key"], series["category_name"], series["size"]) == (str(ids[0]), "入室盗窃", 3)
    assert series["span_days"] == 16
    assert series["radius_m"] == pytest.approx(200, abs=1)
    assert series["modus_operandi"] == [MO]
    assert series["suspect_traits"] == ["外地口音"]
    assert series["links_total"] == 3
    assert any("入室盗窃" in reason for reason in series["reasons"])
    narrow = await client.get(QUERY.format(area=NANJIE) + "&radius_m=150", headers=bearer("admin"))
    assert narrow.json()["series"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("&radius_m=10", "query.radius_m"),
        ("&window_days=0", "query.window_days"),
        ("&min_size=1", "query.min_size"),
        ("&mo_similarity=2", "query.mo_similarity"),
        ("&category=no_such", "query.category"),
        ("&period=2026-13", "query.period"),
    ],
)
async def test_bad_input_names_the_field(
    client: httpx.AsyncClient, session: AsyncSession, query: str, field: str
) -> None:
    await seed_areas(session)
    base = QUERY.format(area=NANJIE)
    if "period" in query:
        base = f"/v1/analysis/series?area={NANJIE}"
    response = await client.get(base + query, headers=bearer("leader"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_series_matrix(client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
    await seed_areas(session)
    inside = await client.get(QUERY.format(area=NANJIE), headers=bearer(role, areas=[NANJIE]))
    assert inside.status_code == (200 if role in MAY_READ else 403), inside.text
    outside = await client.get(QUERY.format(area=BEIJIE), headers=bearer(role, areas=[NANJIE]))
    assert outside.status_code == (404 if role in MAY_READ else 403)


async def test_the_demo_towns_burglary_series_is_found_whole(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    town = build_demo_town(now=datetime(2026, 11, 28, tzinfo=UTC))
    await load_demo_town(session, town)
    response = await client.get(
        "/v1/analysis/series?area=530128100&from=2026-05-01T00:00:00Z&to=2026-11-28T00:00:00Z",
        headers=bearer("leader"),
    )
    assert response.status_code == 200, response.text
    burglaries = [s for s in response.json()["series"] if s["category"] == "burglary"]
    [series] = burglaries
    assert series["size"] == 9
    methods = {m["modus_operandi"][0] for m in series["members"]}
    assert methods <= set(SERIES_METHODS)
    assert all("锦绣花园" in (m["address"] or "") for m in series["members"])
