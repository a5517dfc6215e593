"""`python -m incidents import-incidents FILE`: check, then import all rows or none."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import asyncpg

from incidents.imports.service import HEADERS, REQUIRED, Importer
from pingan_shared.cli import Command
from pingan_shared.settings import ServiceSettings
from pingan_shared.spreadsheets import (
    ImportFileError,
    Progress,
    RowError,
    read_rows,
    table_kind,
    write_error_report,
)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .csv (UTF-8) or .xlsx file, one incident a row")
    parser.add_argument(
        "--source",
        default=None,
        help="name of the system the rows come from (default: the file name)",
    )
    add_errors_argument(parser)


def add_errors_argument(parser: argparse.ArgumentParser) -> None:
    """`--errors`: where the report of bad rows goes."""
    parser.add_argument(
        "--errors",
        type=Path,
        default=None,
        help="where to write the report of bad rows, .csv or .xlsx (default: FILE.errors.csv)",
    )


def read_file(
    args: argparse.Namespace, labels: dict[str, tuple[str, ...]], required: frozenset[str]
) -> list[tuple[int, dict[str, Any]]] | None:
    """FILE's rows numbered as the sheet shows them, or None once it is said why they cannot
    be read."""
    if args.errors is not None:
        try:
            table_kind(args.errors)
        except ImportFileError:
            # Refused before any row is checked: the report could not be written after.
            sys.stderr.write("--errors takes a .csv or .xlsx path\n")
            return None
    try:
        return read_rows(args.file, labels, required)
    except (ImportFileError, OSError) as exc:
        sys.stderr.write(f"cannot import {args.file}: {exc}\n")
        return None


async def connect(settings: ServiceSettings) -> asyncpg.Connection:
    """A plain asyncpg connection to the service's database: the importers use the driver
    directly (COPY among others)."""
    return await asyncpg.connect(
        settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    )


def refuse(args: argparse.Namespace, errors: list[RowError], total: int) -> int:
    """Write the report of bad rows and say where it is; the exit code, 1."""
    path: Path = args.file
    report = args.errors or path.with_suffix(path.suffix + ".errors.csv")
    write_error_report(report, errors, field_heading="field 字段")
    bad = len({e.row for e in errors})
    sys.stderr.write(f"{bad} of {total} rows are bad; nothing was imported. See {report}\n")
    return 1


async def import_incidents(settings: ServiceSettings, args: argparse.Namespace) -> int:
    """Check every row; write them all in one transaction only if none is bad."""
    path: Path = args.file
    rows = read_file(args, HEADERS, REQUIRED)
    if rows is None:
        return 2
    conn = await connect(settings)
    try:
        importer = Importer(conn, f"import:{args.source or path.name}")
        await importer.load_catalogue()
        checking = Progress("checking", len(rows))
        records, errors = importer.check(rows, checking)
        checking.finish()
        if errors:
            return refuse(args, errors, len(rows))
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
