"""Exporting units with the columns the import reads (Chinese headers; kinds by their Chinese
names; the parent by its key, or its name when it has none), so an export imports back
unchanged. Rows come from a server-side cursor: memory stays flat however many units there are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import anyio
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from assessment.units.import_rows import COLUMNS, KIND_NAMES, LABELS
from assessment.units.models import Unit, UnitKind
from pingan_shared.db import Database
from pingan_shared.spreadsheet_exports import Cell, csv_chunks, file_chunks, xlsx_file
from pingan_shared.spreadsheets import table_kind

HEADER: tuple[str, ...] = tuple(LABELS[field][0] for field in COLUMNS)
SHEET_TITLE = "被考核对象 units"
WIDTHS = {"A": 16, "B": 12, "C": 36, "D": 18, "E": 16, "F": 12, "G": 16, "H": 16, "I": 30}
EXPORT_BATCH = 1000


async def unit_rows(
    database: Database, prefixes: Sequence[str], kind: UnitKind | None = None
) -> AsyncIterator[list[Cell]]:
    """The units inside `prefixes` (of one kind, if given) by area code and name, as rows of
    `HEADER`'s columns, read in its own session while the caller streams them."""
    if not prefixes:
        return
    parent = aliased(Unit)
    query = (
        select(
            col(Unit.key),
            col(Unit.kind),
            col(Unit.name),
            col(Unit.area_code),
            col(Unit.incidents_place_id),
            col(Unit.contact_name),
            col(Unit.contact_phone),
            col(Unit.contact_wecom_user_id),
            func.coalesce(col(parent.key), col(parent.name)),
        )
        .outerjoin(parent, col(parent.id) == col(Unit.parent_unit_id))
        .where(or_(*[col(Unit.area_code).startswith(p) for p in prefixes]))
        .order_by(col(Unit.area_code), col(Unit.name))
        .execution_options(yield_per=EXPORT_BATCH)
    )
    if kind is not None:
        query = query.where(col(Unit.kind) == kind)
    async with database.session() as session:
        result = await session.stream(query)
        async for row in result:
            values: list[Cell] = list(row)
            values[1] = KIND_NAMES[UnitKind(row[1])][0]
            yield values


def csv_export(rows: AsyncIterator[list[Cell]]) -> AsyncIterator[bytes]:
    """The units as CSV chunks (UTF-8 with BOM)."""
    return csv_chunks(HEADER, rows)


async def xlsx_export(rows: AsyncIterator[list[Cell]]) -> AsyncIterator[bytes]:
    """The units as XLSX chunks, the workbook built in a spooled temporary file first."""
    workbook = await xlsx_file(HEADER, rows, sheet_title=SHEET_TITLE, widths=WIDTHS)
    async for chunk in file_chunks(workbook):
        yield chunk


async def export_to_file(
    database: Database, path: Path, prefixes: Sequence[str], kind: UnitKind | None = None
) -> None:
    """Write the units to `path`, CSV or XLSX by its suffix."""
    rows = unit_rows(database, prefixes, kind)
    chunks = xlsx_export(rows) if table_kind(path) == "xlsx" else csv_export(rows)
    async with await anyio.open_file(path, "wb") as handle:
        async for chunk in chunks:
            await handle.write(chunk)
