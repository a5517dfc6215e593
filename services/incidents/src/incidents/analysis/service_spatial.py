"""Hot spots, hot places and near repeats (热点区域, 易发案部位, 近重复): SQL aggregates in,
statistics (Gi*, Knox) in worker threads so the event loop keeps serving, answers out."""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import h3  # type: ignore[import-untyped]  # h3 ships no type information
import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis import repository_spatial as repository
from incidents.analysis.filters import AnalysisFilters
from incidents.analysis.hotspots import HotSpotCell, hot_spots, map_pai, study_area
from incidents.analysis.knox import knox_test, local_metres
from incidents.analysis.schemas import PeriodOut
from incidents.analysis.schemas_spatial import (
    HotAddress,
    HotPlace,
    HotPlaces,
    HotSpotCellOut,
    HotSpots,
    KnoxCell,
    NearRepeat,
    PredictionAccuracy,
    RepeatVictimisation,
)
from incidents.analysis.service import comparison_periods, header
from incidents.areas.models import Area
from pingan_shared.errors import ProblemError, field_error

MAX_CELLS = 20_000
"""More cells than this is a county at street level: ask for a coarser resolution."""
MAX_KNOX_INCIDENTS = 20_000
# A metre of latitude, in degrees: for the snapping grid's size in the answer.
_METRES_PER_DEGREE = 111_195.0


def cell_counts(
    snapped: repository.SnappedCounts, resolution: int, period: int, into: Counter[str]
) -> None:
    """Add a batch's incidents of one period to `into`, per H3 cell: each snapped position's
    cell looked up once."""
    # Plain floats and ints: numpy scalars one by one cost more than the lookups.
    columns = (snapped.lat.tolist(), snapped.lon.tolist(), snapped.counts[:, period].tolist())
    for lat, lon, n in zip(*columns, strict=True):
        if n:
            into[h3.latlng_to_cell(lat, lon, resolution)] += n


def _cell_out(spot: HotSpotCell) -> HotSpotCellOut:
    lat, lon = h3.cell_to_latlng(spot.cell)
    return HotSpotCellOut(
        cell=spot.cell,
        lat=round(lat, 7),
        lon=round(lon, 7),
        count=spot.count,
        gi_z=spot.gi_z,
        p=spot.p,
        q=spot.q,
        kind=spot.kind,
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


async def hot_spot_analysis(
    session: AsyncSession,
    filters: AnalysisFilters,
    area: Area,
    *,
    resolution: int,
    rings: int,
    permutations: int,
    alpha: float,
    seed: int,
    predict: bool,
) -> tuple[HotSpots, list[HotSpotCell]]:
    """Gi* hot and cold spots of the period's incidents per H3 cell; with `predict`, the PAI of
    its hot cells against the following period. Also returns the cells for a GeoJSON answer."""
    following = filters.period.following()
    periods = [filters.period, following] if predict else [filters.period]
    counted: Counter[str] = Counter()
    later: Counter[str] = Counter()
    async for batch in repository.snapped_counts(session, filters, periods):
        cell_counts(batch, resolution, 0, counted)
        if predict:
            cell_counts(batch, resolution, 1, later)
    counts = dict(counted)
    if len(counts) > MAX_CELLS:
        raise field_error(
            "query.resolution",
            f"{len(counts)} cells: choose a coarser resolution or a smaller area or period",
            "too_many_cells",
        )
    spots = await asyncio.to_thread(hot_spots, counts, rings, permutations, alpha, seed)
    prediction = None
    if predict:
        study = study_area(counts or later, rings).cells if (counts or later) else []
        hot = [s.cell for s in spots if s.kind == "hot"]
        inside = set(study)
        prediction = PredictionAccuracy(
            period=PeriodOut.of(following),
            incidents=sum(n for cell, n in later.items() if cell in inside),
            hits=sum(later.get(cell, 0) for cell in hot),
            hot_cells=len(hot),
            study_cells=len(study),
            pai=_finite(map_pai(hot, later, study)),
        )
    answer = HotSpots(
        **header(area, [filters.period]).model_dump(),
        resolution=resolution,
        rings=rings,
        permutations=permutations,
        alpha=alpha,
        total=sum(counts.values()),
        snapping_m=round(repository.SNAP_DEGREES * _METRES_PER_DEGREE, 1),
        cells=[_cell_out(spot) for spot in sorted(spots, key=lambda s: (-s.gi_z, s.cell))],
        prediction=prediction,
    )
    return answer, spots


async def hot_places(
    session: AsyncSession, filters: AnalysisFilters, area: Area, *, min_count: int, limit: int
) -> HotPlaces:
    """Registered places and addresses with at least `min_count` incidents in the period, most
    first, and how much of the area's incidents such repeats make up."""
    periods = comparison_periods(filters.period)[:2]
    rows = await repository.hot_locations(session, filters, periods, limit)
    places = await repository.places_by_id(session, [r.place_id for r in rows if r.place_id])
    summary = RepeatVictimisation(located=0, repeat_locations=0, repeat_incidents=0, repeat_share=0)
    if rows:
        first = rows[0]
        summary = RepeatVictimisation(
            located=first.located,
            repeat_locations=first.repeat_locations,
            repeat_incidents=first.repeat_incidents,
            repeat_share=first.repeat_incidents / first.located if first.located else 0.0,
        )
    hot: list[HotPlace] = []
    addresses: list[HotAddress] = []
    for row in rows:
        if row.count < min_count:
            continue
        figures: dict[str, Any] = {
            "area_code": row.area_code,
            "count": row.count,
            "previous": row.previous,
            "first_at": row.first_at,
            "last_at": row.last_at,
            "categories": row.categories,
        }
        place = places.get(row.place_id)
        if place is not None:
            hot.append(
                HotPlace(
                    place_id=place.id,
                    name=place.name,
                    kind=place.kind,
                    address=place.address,
                    **figures,
                )
            )
        elif row.address:
            addresses.append(HotAddress(address=row.address, **figures))
    return HotPlaces(
        **header(area, periods).model_dump(),
        min_count=min_count,
        summary=summary,
        places=hot,
        addresses=addresses,
    )


async def near_repeat(
    session: AsyncSession,
    filters: AnalysisFilters,
    area: Area,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    permutations: int,
    seed: int,
) -> NearRepeat:
    """The Knox test of the period's incidents over distance × time bands."""
    points = await repository.knox_points(session, filters, MAX_KNOX_INCIDENTS)
    if points is None:
        raise ProblemError(
            422,
            "too-many-incidents",
            f"more than {MAX_KNOX_INCIDENTS} incidents: narrow the period, area or categories",
            title="Too many incidents for a Knox test",
        )
    x, y = local_metres(points[:, 0], points[:, 1]) if len(points) else (points[:, 0], points[:, 1])
    result = await asyncio.to_thread(
        knox_test, x, y, points[:, 2], distance_bands, time_bands, permutations, seed
    )
    cells = []
    s_edges, t_edges = result.distance_bands_m, result.time_bands_days
    for i, (s_low, s_high) in enumerate(zip((0.0, *s_edges), s_edges, strict=False)):
        for j, (t_low, t_high) in enumerate(zip((0.0, *t_edges), t_edges, strict=False)):
            ratio = float(result.ratio[i, j])
            cells.append(
                KnoxCell(
                    distance_from_m=s_low,
                    distance_to_m=s_high,
                    days_from=t_low,
                    days_to=t_high,
                    observed=int(result.observed[i, j]),
                    expected=float(result.permuted_median[i, j]),
                    ratio=None if np.isnan(ratio) else ratio,
                    p=float(result.p[i, j]),
                )
            )
    return NearRepeat(
        **header(area, [filters.period]).model_dump(),
        incidents=len(points),
        permutations=permutations,
        distance_bands_m=list(s_edges),
        time_bands_days=list(t_edges),
        cells=cells,
    )
