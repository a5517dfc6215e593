"""`/v1/analysis/hot-spots` (and `.geojson`), `/hot-places` and `/near-repeat`: where incidents
concentrate, which places suffer them again and again, and whether one is followed by another
nearby."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from incidents.analysis import service_spatial as service
from incidents.analysis.filters import AnalysisFiltersDep, checked_filters
from incidents.analysis.hotspots import hot_spot_features
from incidents.analysis.schemas_spatial import HotPlaces, HotSpots, NearRepeat
from incidents.deps import StatisticsReaderDep
from incidents.listing.routes import GEOJSON
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, problem_responses

router = APIRouter(prefix="/v1/analysis", tags=["analysis"])
PERMUTATIONS = (99, 999)


def permutation_count(
    permutations: Annotated[
        int, Query(description="置换次数 Monte Carlo permutations: 99 or 999")
    ] = 99,
) -> int:
    """Dependency: 99 or 999 permutations (a query string's number is not a literal's)."""
    if permutations not in PERMUTATIONS:
        raise field_error("query.permutations", "give 99 or 999", "permutations")
    return permutations


Permutations = Annotated[int, Depends(permutation_count)]
Seed = Annotated[int, Query(ge=0, description="Seed of the permutations (the same answer again)")]
MAX_BANDS = 10


@dataclass(frozen=True)
class HotSpotParams:
    """How a hot-spot map is drawn."""

    resolution: int
    rings: int
    permutations: int
    alpha: float
    seed: int
    predict: bool


def hot_spot_params(
    permutations: Permutations,
    resolution: Annotated[
        int, Query(ge=7, le=10, description="H3 resolution: 7 (~5 km²) to 10 (~0.015 km²)")
    ] = 9,
    rings: Annotated[
        int, Query(ge=1, le=3, description="Neighbourhood: the cells within this many rings")
    ] = 1,
    alpha: Annotated[
        float, Query(gt=0, le=0.2, description="False discovery rate of hot and cold spots")
    ] = 0.05,
    seed: Seed = 0,
    pai: Annotated[
        bool, Query(description="预测准确指数 PAI of the hot cells against the following period")
    ] = False,
) -> HotSpotParams:
    """Dependency: the parameters of a hot-spot map."""
    return HotSpotParams(resolution, rings, permutations, alpha, seed, pai)


HotSpotParamsDep = Annotated[HotSpotParams, Depends(hot_spot_params)]


@router.get(
    "/hot-spots",
    name="incidents_analysis_hot_spots",
    summary="Hot spots (热点区域): incidents per H3 cell and their Gi* hot and cold spots",
    response_model=HotSpots,
    responses=problem_responses(401, 403, 404, 422),
)
async def hot_spots(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    params: HotSpotParamsDep,
) -> HotSpots:
    """Incidents per H3 cell with the Getis-Ord Gi* z-score of each against its k-ring,
    permutation p-values and Benjamini-Hochberg q-values; with `pai=true`, the Prediction
    Accuracy Index of the hot cells against the following period of the same length."""
    area = await checked_filters(session, principal, filters)
    answer, _ = await service.hot_spot_analysis(session, filters, area, **asdict(params))
    return answer


@router.get(
    "/hot-spots.geojson",
    name="incidents_analysis_hot_spots_geojson",
    summary="Hot spots as GeoJSON (热点区域地图)",
    response_class=JSONResponse,
    responses={
        200: {"content": {GEOJSON: {}}, "description": "A FeatureCollection of H3 polygons"},
        **problem_responses(401, 403, 404, 422),
    },
)
async def hot_spots_geojson(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    params: HotSpotParamsDep,
) -> JSONResponse:
    """The cells of `/hot-spots` as polygons (RFC 7946, WGS-84) with count, gi_z, p, q and kind
    as properties; the map's parameters and PAI as members of the collection."""
    area = await checked_filters(session, principal, filters)
    answer, spots = await service.hot_spot_analysis(session, filters, area, **asdict(params))
    collection = {
        "type": "FeatureCollection",
        "features": hot_spot_features(spots),
        **answer.model_dump(mode="json", exclude={"cells"}),
    }
    return JSONResponse(collection, media_type=GEOJSON)


@router.get(
    "/hot-places",
    name="incidents_analysis_hot_places",
    summary="Hot places (易发案部位): places and addresses with repeat incidents",
    response_model=HotPlaces,
    responses=problem_responses(401, 403, 404, 422),
)
async def hot_places(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    min_count: Annotated[
        int, Query(ge=2, le=1000, description="Fewest incidents of a place or address listed")
    ] = 2,
    limit: Annotated[int, Query(ge=1, le=100, description="Places and addresses, each")] = 20,
) -> HotPlaces:
    """Registered places, and addresses of incidents at no registered place, ranked by their
    incidents in the period (repeat victimisation, 重复被侵害), with the previous period's."""
    area = await checked_filters(session, principal, filters)
    return await service.hot_places(session, filters, area, min_count=min_count, limit=limit)


def parse_bands(value: str, field: str, most: float) -> list[float]:
    """`100,200,400` → ascending positive upper edges; a 422 naming the field otherwise."""
    try:
        edges = [float(part) for part in value.split(",")]
    except ValueError:
        edges = []
    if not 1 <= len(edges) <= MAX_BANDS:
        raise field_error(field, f"give 1 to {MAX_BANDS} numbers separated by commas", "bands")
    if (
        not all(map(math.isfinite, edges))
        or edges[0] <= 0
        or any(a >= b for a, b in pairwise(edges))
    ):
        raise field_error(field, "band edges must be positive and ascending", "bands")
    if edges[-1] > most:
        raise field_error(field, f"the last edge may be at most {most:g}", "bands")
    return edges


@router.get(
    "/near-repeat",
    name="incidents_analysis_near_repeat",
    summary="Near repeats (近重复): the Knox test over distance × time bands",
    response_model=NearRepeat,
    responses=problem_responses(401, 403, 404, 422),
)
async def near_repeat(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    permutations: Permutations,
    distance_bands: Annotated[
        str, Query(description="距离带 upper edges in metres", examples=["100,200,400"])
    ] = "100,200,400",
    time_bands: Annotated[
        str, Query(description="时间带 upper edges in days", examples=["7,14,21"])
    ] = "7,14,21",
    seed: Seed = 0,
) -> NearRepeat:
    """Pairs of the period's incidents within each distance and time band of each other, against
    the median of permutations of their times (Knox ratio) with a one-sided p-value per band."""
    distances = parse_bands(distance_bands, "query.distance_bands", 5000)
    days = parse_bands(time_bands, "query.time_bands", 365)
    area = await checked_filters(session, principal, filters)
    return await service.near_repeat(
        session, filters, area, distance_bands=distances, time_bands=days,
        permutations=permutations, seed=seed,
    )  # fmt: skip
