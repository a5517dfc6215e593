"""`/v1/units/import` and `/v1/units/export.{csv,xlsx}`: the town's unit lists in and out.

Registered before the units router, whose `/v1/units/{unit_id}` would otherwise take
`export.csv` for an id.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from assessment.deps import UnitWriterDep
from assessment.units.exports import csv_export, unit_rows, xlsx_export
from assessment.units.import_rows import LABELS, REQUIRED
from assessment.units.import_run import (
    ImportConflictError,
    ImportSource,
    apply_import,
    dry_run_outcome,
    plan_import,
)
from assessment.units.models import UnitKind
from assessment.units.schemas import KIND_DESCRIPTION
from pingan_shared.auth import effective_areas
from pingan_shared.db import DatabaseDep, SessionDep
from pingan_shared.errors import FieldError, ProblemError, problem_responses
from pingan_shared.spreadsheet_exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Cell,
    attachment,
)
from pingan_shared.spreadsheets import ImportFileError, TableKind, open_table

router = APIRouter(prefix="/v1/units", tags=["units"])
MAX_IMPORT_BYTES = 20 * 1024 * 1024
_KINDS: dict[str, TableKind] = {"text/csv": "csv", XLSX_MEDIA_TYPE: "xlsx"}


class ImportReport(BaseModel):
    """What an import did, or in a dry run would do (导入结果)."""

    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_IMPORT_BYTES:
            raise ProblemError(413, "too-large", f"an import is at most {MAX_IMPORT_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _read(content: bytes, kind: TableKind) -> tuple[dict[str, str], list[tuple[int, Any]]]:
    table = open_table(io.BytesIO(content), kind, LABELS, REQUIRED)
    return table.columns, list(table.rows)


@router.post(
    "/import",
    name="assessment_units_import",
    summary="Import a unit list (被考核对象导入)",
    response_model=ImportReport,
    responses=problem_responses(401, 403, 409, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}},
            "description": "The list as CSV (UTF-8) or XLSX, headers in Chinese or English",
        }
    },
)
async def import_units(
    request: Request,
    session: SessionDep,
    principal: UnitWriterDep,
    dry_run: Annotated[bool, Query(description="Only check, and say what would change")] = False,
) -> ImportReport:
    """Register or update every unit of the list, inside the caller's areas, all rows or none.
    A row names an existing unit by its key (外部编号) or by area code and name, so importing
    the same list again changes nothing. Bad rows answer 422 with one error per row and column
    (`rows.<row number>.<column>`), and nothing is written. The import is one audit entry."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    kind = _KINDS.get(media_type)
    if kind is None:
        raise ProblemError(415, "unsupported-media-type", "send text/csv or an XLSX workbook")
    content = await _body(request)
    try:
        columns, rows = await anyio.to_thread.run_sync(_read, content, kind)
    except ImportFileError as exc:
        raise ProblemError(422, "unreadable-import", str(exc)) from None
    plan = await plan_import(session, rows, columns, areas=principal.areas)
    if plan.errors:
        raise ProblemError(
            422,
            "import-rows",
            f"{len({e.row for e in plan.errors})} of {plan.rows} rows are bad; nothing imported",
            errors=[
                FieldError(field=f"rows.{e.row}.{e.field}", message=e.message, code="bad_row")
                for e in plan.errors
            ],
        )
    if dry_run:
        outcome = dry_run_outcome(plan)
    else:
        source = ImportSource.of(f"upload.{kind}", content)
        try:
            outcome = await apply_import(session, plan, actor=principal.sub, source=source)
        except ImportConflictError:
            raise ProblemError(
                409, "import-conflict", "a unit of the list was registered meanwhile; retry"
            ) from None
    return ImportReport(
        rows=outcome.rows,
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        dry_run=outcome.dry_run,
    )


def _export_responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {media_type: {}}, "description": "The export, streamed"},
        **problem_responses(401, 403, 422),
    }


AreaQuery = Annotated[
    str | None, Query(pattern=r"^\d{1,20}$", description="Only units inside this area code")
]
KindQuery = Annotated[UnitKind | None, Query(description=KIND_DESCRIPTION)]


async def export_rows(
    database: DatabaseDep, principal: UnitWriterDep, area: AreaQuery = None, kind: KindQuery = None
) -> AsyncIterator[list[Cell]]:
    """The units of the request, row by row, inside the caller's areas (what each format
    streams)."""
    return unit_rows(database, effective_areas(area, principal.areas), kind)


ExportRowsDep = Annotated[AsyncIterator[list[Cell]], Depends(export_rows)]


@router.get(
    "/export.csv",
    name="assessment_units_export_csv",
    summary="Export units as CSV (被考核对象导出 CSV)",
    response_class=StreamingResponse,
    responses=_export_responses(CSV_MEDIA_TYPE),
)
async def export_csv(rows: ExportRowsDep) -> StreamingResponse:
    """The units in the caller's areas with the import's columns, streamed (UTF-8 with BOM)."""
    return StreamingResponse(
        csv_export(rows), media_type=CSV_MEDIA_TYPE, headers=attachment("units.csv")
    )


@router.get(
    "/export.xlsx",
    name="assessment_units_export_xlsx",
    summary="Export units as XLSX (被考核对象导出 Excel)",
    response_class=StreamingResponse,
    responses=_export_responses(XLSX_MEDIA_TYPE),
)
async def export_xlsx(rows: ExportRowsDep) -> StreamingResponse:
    """The units in the caller's areas with the import's columns, as an Excel workbook."""
    return StreamingResponse(
        xlsx_export(rows), media_type=XLSX_MEDIA_TYPE, headers=attachment("units.xlsx")
    )
