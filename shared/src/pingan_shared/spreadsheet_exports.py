"""Exporting rows as CSV (streamed as they arrive) or XLSX (written row by row in openpyxl's
write-only mode to a spooled temporary file, then streamed); neither holds the rows in memory.

Needs `openpyxl` in the exporting service's dependencies.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import IO, cast

import anyio
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | bool | Decimal | datetime | None

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024
XLSX_BATCH = 500
XLSX_IN_MEMORY = 8 * 1024 * 1024


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_cell(value: Cell) -> str:
    """A cell as CSV text: ISO times, true/false, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_text(value) if isinstance(value, str) else str(value)


def xlsx_cell(value: Cell) -> Cell:
    """A cell as XLSX holds it: times without a zone (spreadsheets have none), formulas
    defused."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return safe_text(value) if isinstance(value, str) else value


async def csv_chunks(
    header: Sequence[str], rows: AsyncIterator[Sequence[Cell]]
) -> AsyncIterator[bytes]:
    """The CSV of `rows` in chunks: UTF-8 with a byte-order mark, so spreadsheets read Chinese
    headers right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    async for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _new_sheet(workbook: Workbook, title: str, widths: Mapping[str, float]) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title)
    assert isinstance(sheet, WriteOnlyWorksheet)
    # Write-only sheets have column dimensions at run time; the type stubs leave them out.
    dimensions = cast(Worksheet, sheet).column_dimensions
    for letter, width in widths.items():
        dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


async def xlsx_file(
    header: Sequence[str],
    rows: AsyncIterator[Sequence[Cell]],
    *,
    sheet_title: str,
    widths: Mapping[str, float] | None = None,
) -> IO[bytes]:
    """The XLSX workbook of `rows` in a spooled temporary file, positioned at its start.

    Rows are appended in batches on a worker thread, so building a large workbook does not
    hold up the event loop.
    """
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook, sheet_title, widths or {})

    def append(batch: list[list[Cell]]) -> None:
        for row in batch:
            sheet.append(row)

    batch: list[list[Cell]] = [list(header)]
    async for row in rows:
        batch.append([xlsx_cell(v) for v in row])
        if len(batch) >= XLSX_BATCH:
            await anyio.to_thread.run_sync(append, batch)
            batch = []
    await anyio.to_thread.run_sync(append, batch)
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115 - streamed, closed by file_chunks
    await anyio.to_thread.run_sync(workbook.save, spool)
    spool.seek(0)
    return spool


async def file_chunks(file: IO[bytes]) -> AsyncIterator[bytes]:
    """Stream a file in chunks and close it."""
    try:
        while chunk := await anyio.to_thread.run_sync(file.read, CHUNK):
            yield chunk
    finally:
        file.close()


def attachment(filename: str) -> dict[str, str]:
    """The header that makes a browser save the answer as `filename`."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}
