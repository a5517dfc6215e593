"""`GET /v1/incidents` and its exports: CSV, XLSX and GeoJSON of the same filters.

Include this router before the intake router: `/v1/incidents/{incident_id}` would otherwise
take `export.csv` for an id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from incidents.deps import STAFF, ReaderDep
from incidents.intake.schemas import IncidentOut
from incidents.listing import exports, service
from incidents.listing.params import FiltersDep, SortDep
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.db import Database, SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.pagination import Page, PageParams, page_params
from pingan_shared.spreadsheet_exports import attachment, file_chunks

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])
EXPORTERS = (*STAFF, Role.service)
ExporterDep = Annotated[Principal, Depends(require_roles(*EXPORTERS))]
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON = "application/geo+json"


@router.get(
    "",
    name="incidents_list",
    summary="List incidents (警情列表): filter, sort, cursor pages",
    response_model=Page[IncidentOut],
    responses=problem_responses(401, 403, 422),
)
async def list_incidents(
    session: SessionDep,
    principal: ReaderDep,
    filters: FiltersDep,
    sort: SortDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> Page[IncidentOut]:
    """Incidents inside the caller's areas (and `area`, if given) matching every filter given;
    several values of one filter match any of them. Phones are masked as in the single read.
    """
    request = await service.check_request(session, filters, sort, principal)
    return await service.list_incidents(session, request, page)


def _export_responses(media_type: str) -> dict[int | str, dict[str, object]]:
    return {
        200: {"content": {media_type: {}}, "description": "The export, streamed"},
        **problem_responses(401, 403, 422),
    }


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


async def export_rows(
    request: Request,
    session: SessionDep,
    principal: ExporterDep,
    filters: FiltersDep,
    sort: SortDep,
) -> AsyncIterator[IncidentOut]:
    """The checked export of the request's filters, row by row (what every format streams)."""
    checked = await service.check_request(session, filters, sort, principal)
    database: Database = request.app.state.database
    return service.export_incidents(database, checked)


ExportRowsDep = Annotated[AsyncIterator[IncidentOut], Depends(export_rows)]


@router.get(
    "/export.csv",
    name="incidents_export_csv",
    summary="Export incidents as CSV (警情导出 CSV)",
    response_class=StreamingResponse,
    responses=_export_responses(CSV),
)
async def export_csv(request: Request, rows: ExportRowsDep) -> StreamingResponse:
    """The list's filters as a CSV file (UTF-8 with BOM; headers in Chinese and English;
    times in the business time zone), streamed."""
    return StreamingResponse(
        exports.csv_chunks(rows, _zone(request)),
        media_type=CSV,
        headers=attachment("incidents.csv"),
    )


@router.get(
    "/export.xlsx",
    name="incidents_export_xlsx",
    summary="Export incidents as XLSX (警情导出 Excel)",
    response_class=StreamingResponse,
    responses=_export_responses(XLSX),
)
async def export_xlsx(request: Request, rows: ExportRowsDep) -> StreamingResponse:
    """The list's filters as an Excel workbook; times are local (the business time zone)."""
    workbook = await exports.xlsx_file(rows, _zone(request))
    return StreamingResponse(
        file_chunks(workbook), media_type=XLSX, headers=attachment("incidents.xlsx")
    )


@router.get(
    "/incidents.geojson",
    name="incidents_export_geojson",
    summary="Export incidents as GeoJSON points (警情地图导出)",
    response_class=StreamingResponse,
    responses=_export_responses(GEOJSON),
)
async def export_geojson(request: Request, rows: ExportRowsDep) -> StreamingResponse:
    """The list's filters as a GeoJSON FeatureCollection of points (WGS-84, [lon, lat]) whose
    properties are the list's fields, streamed."""
    return StreamingResponse(
        exports.geojson_chunks(rows), media_type=GEOJSON, headers=attachment("incidents.geojson")
    )
