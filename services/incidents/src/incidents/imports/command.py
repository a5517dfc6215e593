"""`python -m incidents import-incidents FILE`: check, then import all rows or none."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import asyncpg

from incidents.imports.progress import Progress
from incidents.imports.reader import ImportFileError, read_rows
from incidents.imports.service import Importer, RowError
from pingan_shared.cli import Command
from pingan_shared.settings import ServiceSettings


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .csv (UTF-8) or .xlsx file, one incident a row")
    parser.add_argument(
        "--source",
        default=None,
        help="name of the system the rows come from (default: the file name)",
    )
    parser.add_argument(
        "--errors",
        type=Path,
        default=None,
        help="where to write the report of bad rows (default: FILE.errors.csv)",
    )


def write_errors(path: Path, errors: list[RowError]) -> None:
    """The per-row report: row, field, message; UTF-8 with BOM so spreadsheet programs read it."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row 行号", "field 字段", "message 错误"])
        writer.writerows([e.row, e.field, e.message] for e in errors)


async def import_incidents(settings: ServiceSettings, args: argparse.Namespace) -> int:
    """Check every row; write them all in one transaction only if none is bad."""
    path: Path = args.file
    try:
        rows = list(read_rows(path))
    except (ImportFileError, OSError) as exc:
        sys.stderr.write(f"cannot import {path}: {exc}\n")
        return 2
    dsn = settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    try:
        importer = Importer(conn, f"import:{args.source or path.name}")
        await importer.load_catalogue()
        checking = Progress("checking", len(rows))
        records, errors = importer.check(rows, checking)
        checking.finish()
        if errors:
            report = args.errors or path.with_suffix(path.suffix + ".errors.csv")
            write_errors(report, errors)
            bad_rows = len({e.row for e in errors})
            sys.stderr.write(
                f"{bad_rows} of {len(rows)} rows are bad; nothing was imported. See {report}\n"
            )
            return 1
        writing = Progress("writing", len(records))
        async with conn.transaction():
            added = await importer.write(records, writing)
        rate = writing.finish()
    finally:
        await conn.close()
    sys.stdout.write(
        f"imported {added} new incidents ({len(records) - added} already there), {rate:,.0f} rows/s\n"
    )
    return 0


IMPORT_INCIDENTS = Command(
    help="import incidents from CSV or XLSX: all rows or none (历史警情导入)",
    add_arguments=_arguments,
    run=import_incidents,
)
