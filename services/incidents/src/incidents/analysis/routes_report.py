"""`/v1/analysis/series`, `/v1/analysis/patrol-fit` and `/v1/analysis/report`: series of
incidents, patrols against incidents, and the town report as a workbook or charts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse

from incidents.analysis.charts import render_png
from incidents.analysis.filters import AnalysisFiltersDep, checked_filters
from incidents.analysis.hotspots import cell_polygon
from incidents.analysis.patrol_fit_service import patrol_fit
from incidents.analysis.report import chart_data, town_report
from incidents.analysis.report_schemas import HotCellOut, PatrolFit, SeriesAnswer
from incidents.analysis.report_xlsx import workbook_file
from incidents.analysis.series import SeriesRules, TooManyPairsError
from incidents.analysis.series_service import series_answer
from incidents.deps import STAFF, StatisticsReaderDep
from incidents.listing.routes import XLSX
from pingan_shared.auth import Principal, require_roles
from pingan_shared.charts import ChineseFontMissingError
from pingan_shared.db import SessionDep
from pingan_shared.errors import ProblemError, field_error, problem_responses
from pingan_shared.spreadsheet_exports import file_chunks

router = APIRouter(prefix="/v1/analysis", tags=["analysis"])
GEOJSON = "application/geo+json"
PNG = "image/png"
# The report names focus problems and their owners: staff of the area only.
ReportReaderDep = Annotated[Principal, Depends(require_roles(*STAFF))]
Resolution = Annotated[
    int,
    Query(
        ge=7,
        le=9,
        description="H3 resolution of the cells (7-9; patrol positions are kept at 9, ~0.1 km²)",
    ),
]


@router.get(
    "/series",
    name="incidents_analysis_series",
    summary="Series (系列案件): incidents that look like the work of one hand",
    response_model=SeriesAnswer,
    responses=problem_responses(401, 403, 404, 422),
)
async def series(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    radius_m: Annotated[
        float, Query(ge=50, le=5000, description="Linked incidents lie this close (metres)")
    ] = 1000,
    window_days: Annotated[
        float, Query(ge=1, le=180, description="Linked incidents occurred this close (days)")
    ] = 30,
    mo_similarity: Annotated[
        float, Query(ge=0.1, le=1, description="Least modus operandi similarity of a link")
    ] = 0.5,
    min_size: Annotated[int, Query(ge=2, le=100, description="Fewest incidents of a series")] = 3,
) -> SeriesAnswer:
    """Groups of incidents of one category, near in place and time, with alike modus operandi
    and suspects who do not contradict each other; each with its members and the reasons."""
    area = await checked_filters(session, principal, filters)
    rules = SeriesRules(radius_m, window_days, mo_similarity, min_size)
    try:
        return await series_answer(session, area, filters, rules)
    except TooManyPairsError as exc:
        raise field_error(
            "query.radius_m",
            f"{exc}: narrow the area, period or category, or the radius or window",
            "too_many_pairs",
        ) from None


@router.get(
    "/patrol-fit",
    name="incidents_analysis_patrol_fit",
    summary="Patrol fit (巡防匹配度): incidents inside patrolled cells and hours",
    response_model=PatrolFit,
    responses=problem_responses(401, 403, 404, 422),
)
async def patrol_fit_route(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    resolution: Resolution = 9,
) -> PatrolFit:
    """Shares of incidents inside the cells and hours of the week patrols covered, and the hot
    spot cells no patrol was seen in."""
    area = await checked_filters(session, principal, filters)
    return await patrol_fit(session, area, filters, resolution)


def _feature(cell: HotCellOut, patrolled: bool) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": cell.cell,
        "geometry": {"type": "Polygon", "coordinates": cell_polygon(cell.cell)},
        "properties": {**cell.model_dump(), "patrolled": patrolled},
    }


@router.get(
    "/patrol-fit.geojson",
    name="incidents_analysis_patrol_fit_geojson",
    summary="Hot cells, patrolled or not, as GeoJSON (热点区域巡防覆盖地图)",
    response_class=JSONResponse,
    responses={
        200: {"content": {GEOJSON: {}}, "description": "A FeatureCollection of H3 polygons"},
        **problem_responses(401, 403, 404, 422),
    },
)
async def patrol_fit_geojson(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    resolution: Resolution = 9,
) -> JSONResponse:
    """The hot spot cells of the patrol fit as polygons (WGS-84), with `patrolled` and the
    figures of each cell as properties."""
    area = await checked_filters(session, principal, filters)
    fit = await patrol_fit(session, area, filters, resolution)
    features = [_feature(c, False) for c in fit.hot_unpatrolled]
    features += [_feature(c, True) for c in fit.hot_patrolled]
    return JSONResponse({"type": "FeatureCollection", "features": features}, media_type=GEOJSON)


@router.get(
    "/report",
    name="incidents_analysis_report",
    summary="Town report (分析报告) as an XLSX workbook, or its charts as a PNG",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {XLSX: {}, PNG: {}},
            "description": "The workbook (format=xlsx) or the charts (format=png)",
        },
        **problem_responses(401, 403, 404, 422, 503),
    },
)
async def report(
    session: SessionDep,
    principal: ReportReaderDep,
    filters: AnalysisFiltersDep,
    output: Annotated[
        Literal["xlsx", "png"],
        Query(alias="format", description="xlsx: the workbook; png: the charts"),
    ] = "xlsx",
) -> Response:
    """The area's breakdown, times (7 × 24 and trends), hot places, suspects' traits and focus
    problems as a workbook (sheets in Chinese and English); with `format=png` the 7 × 24 heat
    map, the trend and the category bars drawn on one image, Chinese set in Noto Sans SC."""
    area = await checked_filters(session, principal, filters)
    gathered = await town_report(session, area, filters)
    start, end = filters.period.start, filters.period.end
    name = f"report-{area.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if output == "png":
        try:
            image = await anyio.to_thread.run_sync(render_png, chart_data(gathered))
        except ChineseFontMissingError as exc:
            raise ProblemError(503, "charts-unavailable", str(exc)) from None
        return Response(image, media_type=PNG, headers=_attachment(f"{name}.png"))
    workbook = await anyio.to_thread.run_sync(workbook_file, gathered)
    return StreamingResponse(
        file_chunks(workbook), media_type=XLSX, headers=_attachment(f"{name}.xlsx")
    )


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}
