"""`python -m assessment import-units FILE` (all rows or none; `--dry-run` to only check) and
`python -m assessment export-units FILE`."""

from __future__ import annotations

import argparse
import getpass
import io
import sys
from pathlib import Path
from typing import Any

import anyio

from assessment.units.exports import export_to_file
from assessment.units.import_rows import LABELS, REQUIRED
from assessment.units.import_run import (
    ImportConflictError,
    ImportOutcome,
    ImportSource,
    apply_import,
    dry_run_outcome,
    plan_import,
)
from assessment.units.imports import ImportPlan
from assessment.units.models import UnitKind
from pingan_shared.cli import Command
from pingan_shared.db import Database
from pingan_shared.settings import ServiceSettings
from pingan_shared.spreadsheets import (
    ImportFileError,
    Progress,
    RowError,
    open_table,
    table_kind,
    write_error_report,
)


class _RowsRefusedError(Exception):
    """The plan has bad rows: leave the transaction without writing."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("bad rows")
        self.plan = plan


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .csv (UTF-8) or .xlsx unit list (单位名单)")
    parser.add_argument(
        "--dry-run", action="store_true", help="check every row and say what would change"
    )
    parser.add_argument(
        "--errors",
        default=None,
        help="where to write the report of bad rows, .csv or .xlsx, or - to print it "
        "(default: FILE.errors.csv or FILE.errors.xlsx, next to FILE)",
    )
    parser.add_argument("--actor", default=None, help="who imports, for the audit log")


def report_errors(path: Path, target: str | None, errors: list[RowError]) -> str:
    """Write (or print) the per-row report; returns where it went."""
    if target == "-":
        for e in errors:
            sys.stderr.write(f"row {e.row}, {e.field}: {e.message}\n")
        return "the lines above"
    report = Path(target) if target else path.with_suffix(f".errors{path.suffix.lower()}")
    write_error_report(report, errors)
    return str(report)


def read_unit_list(path: Path) -> tuple[bytes, dict[str, str], list[tuple[int, dict[str, Any]]]]:
    """The file's bytes, the fields its columns hold, and its numbered rows."""
    content = path.read_bytes()
    table = open_table(io.BytesIO(content), table_kind(path), LABELS, REQUIRED)
    return content, table.columns, list(table.rows)


def _summary(outcome: ImportOutcome) -> str:
    verb = "would import" if outcome.dry_run else "imported"
    return (
        f"{verb} {outcome.rows} rows: {outcome.created} new units, {outcome.updated} changed, "
        f"{outcome.unchanged} unchanged\n"
    )


async def import_units(settings: ServiceSettings, args: argparse.Namespace) -> int:
    """Check every row; write them all in one transaction only if none is bad."""
    database = Database(settings.database_url, pool_size=1)
    try:
        return await run_units_import(database, args)
    finally:
        await database.dispose()


async def run_units_import(database: Database, args: argparse.Namespace) -> int:
    """`import-units` on `database`; the exit code (0 imported, 1 refused, 2 unreadable)."""
    path: Path = args.file
    try:
        content, columns, rows = await anyio.to_thread.run_sync(read_unit_list, path)
    except (ImportFileError, OSError) as exc:
        sys.stderr.write(f"cannot import {path}: {exc}\n")
        return 2
    source = ImportSource.of(path.name, content)
    actor = args.actor or f"import:{getpass.getuser()}"
    try:
        async with database.session() as session:
            checking = Progress("checking", len(rows))
            plan = await plan_import(session, rows, columns, progress=checking)
            checking.finish()
            if plan.errors:
                raise _RowsRefusedError(plan)
            if args.dry_run:
                outcome = dry_run_outcome(plan)
            else:
                writing = Progress("writing", len(plan.created) + len(plan.updated))
                outcome = await apply_import(
                    session, plan, actor=actor, source=source, progress=writing
                )
                writing.finish()
    except _RowsRefusedError as refused:
        errors = refused.plan.errors
        where = await anyio.to_thread.run_sync(report_errors, path, args.errors, errors)
        bad = len({e.row for e in errors})
        sys.stderr.write(f"{bad} of {len(rows)} rows are bad; nothing was imported. See {where}\n")
        return 1
    except ImportConflictError as exc:
        sys.stderr.write(f"the database refused the import, nothing was written: {exc}\n")
        return 1
    sys.stdout.write(_summary(outcome))
    return 0


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the .csv or .xlsx file to write")
    parser.add_argument(
        "--area",
        action="append",
        default=None,
        help="only units inside this area code (repeatable)",
    )
    parser.add_argument("--kind", type=UnitKind, default=None, help="only units of this kind")


async def export_units(settings: ServiceSettings, args: argparse.Namespace) -> int:
    """Write every unit (inside the areas given) with the import's columns."""
    path: Path = args.file
    try:
        table_kind(path)
    except ImportFileError as exc:
        sys.stderr.write(f"cannot export to {path}: {exc}\n")
        return 2
    database = Database(settings.database_url, pool_size=1)
    try:
        await export_to_file(database, path, args.area or [""], args.kind)
    finally:
        await database.dispose()
    sys.stdout.write(f"units written to {path}\n")
    return 0


IMPORT_UNITS = Command(
    help="import units (被考核对象导入) from CSV or XLSX: all rows or none, by key or area and name",
    add_arguments=_import_arguments,
    run=import_units,
)
EXPORT_UNITS = Command(
    help="export units (被考核对象导出) to CSV or XLSX with the import's columns",
    add_arguments=_export_arguments,
    run=export_units,
)
