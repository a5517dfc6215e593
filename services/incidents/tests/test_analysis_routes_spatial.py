"""`GET /v1/analysis/hot-spots` (and `.geojson`), `/hot-places` and `/near-repeat` on incidents
placed by hand: a cluster of H3 cells, repeat places and addresses, pairs near in space and time."""

from __future__ import annotations

import math
from typing import Any

import h3  # type: ignore[import-untyped]  # h3 ships no type information
import httpx
import pytest
from incidents_analysis import ADMIN, COMPOUND, MARKET, PERIOD, add, local, seed_analysis_areas
from incidents_factories import TOWN
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis import repository, service_spatial
from incidents.analysis.hotspots import study_area

CENTRE = h3.latlng_to_cell(25.55, 102.47, 9)


def _spot(cell: str) -> tuple[float, float]:
    """A position inside `cell` on the 0.0001° grid positions are snapped to."""
    lat, lon = h3.cell_to_latlng(cell)
    return round(lat, 4), round(lon, 4)


def _at(cell: str, n: int, day: int = 10, month: int = 11) -> list[dict[str, Any]]:
    lat, lon = _spot(cell)
    return [{"occurred_at": local(2026, month, day, 20), "lat": lat, "lon": lon}] * n


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_analysis_areas(session)


@pytest.fixture
async def cluster(session: AsyncSession) -> dict[str, int]:
    """12 incidents in the centre cell, 4 in each neighbour, 1 in each of 12 cells five rings out;
    in December 3 more in the centre and 1 far out."""
    counts = {CENTRE: 12}
    counts |= dict.fromkeys(h3.grid_ring(CENTRE, 1), 4)
    counts |= dict.fromkeys(sorted(h3.grid_ring(CENTRE, 5))[:12], 1)
    rows = [row for cell, n in counts.items() for row in _at(cell, n)]
    far = sorted(h3.grid_ring(CENTRE, 5))[0]
    rows += _at(CENTRE, 3, day=5, month=12) + _at(far, 1, day=5, month=12)
    await add(session, *[dict(row) for row in rows])
    return counts


def _gi_star_by_hand(counts: dict[str, int], cell: str) -> float:
    """Ord & Getis's z with binary 1-ring weights over the cells and their empty ring."""
    study = set().union(*(h3.grid_disk(c, 1) for c in counts))
    x = [counts.get(c, 0) for c in study]
    n, mean = len(x), sum(x) / len(x)
    spread = math.sqrt(sum(v * v for v in x) / n - mean**2)
    near = h3.grid_disk(cell, 1)
    weight = len(near)
    local_sum = sum(counts.get(c, 0) for c in near)
    return (local_sum - mean * weight) / (spread * math.sqrt((n * weight - weight**2) / (n - 1)))


async def test_hot_spots_count_cells_and_find_the_cluster(
    client: httpx.AsyncClient, cluster: dict[str, int]
) -> None:
    query = f"area={TOWN}&{PERIOD}&resolution=9&permutations=999&pai=true"
    response = await client.get(f"/v1/analysis/hot-spots?{query}", headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["resolution"], body["rings"]) == (48, 9, 1)
    assert body["periods"]["previous"] is None  # a map of the period, compared with nothing
    cells = {c["cell"]: c for c in body["cells"]}
    assert {cell: c["count"] for cell, c in cells.items()} == cluster
    centre = cells[CENTRE]
    assert body["cells"][0]["cell"] == CENTRE  # highest z first
    assert centre["gi_z"] == pytest.approx(_gi_star_by_hand(cluster, CENTRE))
    assert centre["kind"] == "hot"
    assert centre["p"] == pytest.approx(2 / 1000)  # nothing permuted reaches it
    assert (centre["lat"], centre["lon"]) == pytest.approx(h3.cell_to_latlng(CENTRE), abs=1e-7)
    # The PAI of December: the hot cells' share of its incidents over their share of the area.
    hot = [c for c in body["cells"] if c["kind"] == "hot"]
    study = study_area(cluster, 1).cells
    prediction = body["prediction"]
    assert prediction["period"]["period_from"] == "2026-11-30T16:00:00Z"
    assert (prediction["incidents"], prediction["hits"]) == (4, 3)
    assert (prediction["hot_cells"], prediction["study_cells"]) == (len(hot), len(study))
    hot_area = sum(h3.cell_area(c["cell"], unit="km^2") for c in hot)
    study_size = sum(h3.cell_area(c, unit="km^2") for c in study)
    assert prediction["pai"] == pytest.approx((3 / 4) / (hot_area / study_size))


async def test_the_same_seed_gives_the_same_map_and_coarser_cells_add_up(
    client: httpx.AsyncClient, cluster: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/v1/analysis/hot-spots?area={TOWN}&{PERIOD}"
    first = (await client.get(url, headers=ADMIN)).json()
    again = (await client.get(url, headers=ADMIN)).json()
    assert first["cells"] == again["cells"]
    monkeypatch.setattr(repository, "BATCH", 1)  # positions read one at a time
    assert (await client.get(url, headers=ADMIN)).json()["cells"] == first["cells"]
    assert first["prediction"] is None
    coarse = (await client.get(f"{url}&resolution=7", headers=ADMIN)).json()
    parents: dict[str, int] = {}
    for cell, n in cluster.items():
        parent = h3.cell_to_parent(cell, 7)
        parents[parent] = parents.get(parent, 0) + n
    assert {c["cell"]: c["count"] for c in coarse["cells"]} == parents


async def test_hot_spots_as_geojson(client: httpx.AsyncClient, cluster: dict[str, int]) -> None:
    url = f"/v1/analysis/hot-spots.geojson?area={TOWN}&{PERIOD}"
    response = await client.get(url, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert (collection["resolution"], collection["total"]) == (9, 48)
    features = {f["id"]: f for f in collection["features"]}
    assert {cell: f["properties"]["count"] for cell, f in features.items()} == cluster
    ring = features[CENTRE]["geometry"]["coordinates"][0]
    assert features[CENTRE]["geometry"]["type"] == "Polygon"
    assert len(ring) == 7
    assert ring[0] == ring[-1]
    lon, lat = ring[0]
    assert h3.latlng_to_cell(lat, lon, 9) in h3.grid_disk(CENTRE, 1)  # a corner of the cell


async def test_hot_places_rank_places_and_addresses_with_repeats(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    day = local(2026, 11, 12, 9)
    await add(
        session,
        {"occurred_at": day, "place_id": MARKET, "address": "南街 1 号"},
        {"occurred_at": day, "place_id": MARKET, "address": "南街 1 号"},
        {"occurred_at": day, "place_id": MARKET, "address": None, "category": "fraud"},
        {"occurred_at": local(2026, 10, 12), "place_id": MARKET},
        {"occurred_at": day, "place_id": COMPOUND},
        {"occurred_at": day, "address": "南街 12 号"},
        {"occurred_at": day, "address": "南街 12 号", "category": "fight"},
        {"occurred_at": day, "address": "  南街 12 号 "},
        {"occurred_at": day, "address": "北街 5 号"},
        {"occurred_at": day, "address": None},
    )  # fmt: skip
    url = f"/v1/analysis/hot-places?area={TOWN}&{PERIOD}"
    response = await client.get(url, headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {
        "located": 8, "repeat_locations": 2, "repeat_incidents": 6, "repeat_share": 0.75,
    }  # fmt: skip
    [place] = body["places"]
    assert (place["place_id"], place["name"], place["kind"]) == (
        str(MARKET),
        "南街农贸市场",
        "market",
    )
    assert (place["count"], place["previous"], place["categories"]) == (3, 1, ["fraud", "theft"])
    [address] = body["addresses"]
    assert (address["address"], address["count"], address["categories"]) == (
        "南街 12 号", 3, ["fight", "theft"],
    )  # fmt: skip
    none = (await client.get(f"{url}&min_count=4", headers=ADMIN)).json()
    assert (none["places"], none["addresses"]) == ([], [])
    assert none["summary"]["repeat_incidents"] == 6


async def test_the_knox_test_counts_pairs_in_each_band(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    north_50m = 50 / 111_195
    await add(
        session,
        {"occurred_at": local(2026, 11, 1, 12), "lat": 25.55, "lon": 102.47},
        {"occurred_at": local(2026, 11, 2, 12), "lat": 25.55 + north_50m, "lon": 102.47},
        {"occurred_at": local(2026, 11, 3, 12), "lat": 25.56, "lon": 102.48},
        {"occurred_at": local(2026, 11, 25, 12), "lat": 25.56 + north_50m, "lon": 102.48},
    )
    query = f"area={TOWN}&{PERIOD}&distance_bands=100,200&time_bands=7,14"
    response = await client.get(f"/v1/analysis/near-repeat?{query}", headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["incidents"], body["permutations"]) == (4, 99)
    assert body["distance_bands_m"] == [100, 200]
    observed = [(c["distance_to_m"], c["days_to"], c["observed"]) for c in body["cells"]]
    # One pair 50 m and a day apart; the other 50 m pair is 22 days apart, past the last band.
    assert observed == [(100, 7, 1), (100, 14, 0), (200, 7, 0), (200, 14, 0)]
    first = body["cells"][0]
    assert (first["distance_from_m"], first["days_from"]) == (0, 0)
    assert 0.01 <= first["p"] <= 1


async def test_the_knox_test_refuses_too_many_incidents(
    session: AsyncSession, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_spatial, "MAX_KNOX_INCIDENTS", 2)
    await add(session, *[{"occurred_at": local(2026, 11, d)} for d in (1, 2, 3)])
    response = await client.get(f"/v1/analysis/near-repeat?area={TOWN}&{PERIOD}", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/too-many-incidents")
