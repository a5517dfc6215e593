"""`python -m incidents import-areas FILE` and `import-places FILE`: check, then all rows or none."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Protocol

from incidents.imports.areas import HEADERS as AREA_HEADERS
from incidents.imports.areas import REQUIRED as AREA_REQUIRED
from incidents.imports.areas import AreaImporter
from incidents.imports.command import add_errors_argument, connect, read_file, refuse
from incidents.imports.places import HEADERS as PLACE_HEADERS
from incidents.imports.places import REQUIRED as PLACE_REQUIRED
from incidents.imports.places import PlaceImporter
from pingan_shared.cli import Command
from pingan_shared.settings import ServiceSettings
from pingan_shared.spreadsheets import Progress, RowError


class _Importer(Protocol):
    async def check(
        self, rows: list[tuple[int, dict[str, Any]]], progress: Progress
    ) -> tuple[list[Any], list[RowError]]: ...

    async def write(self, records: list[Any], progress: Progress) -> tuple[int, int]: ...


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .csv (UTF-8) or .xlsx file, one record a row")
    add_errors_argument(parser)


async def run_import(
    settings: ServiceSettings,
    args: argparse.Namespace,
    what: str,
    headers: dict[str, tuple[str, ...]],
    required: frozenset[str],
    importer_of: type[AreaImporter] | type[PlaceImporter],
) -> int:
    """Check every row; write them all in one transaction only if none is bad."""
    rows = read_file(args, headers, required)
    if rows is None:
        return 2
    conn = await connect(settings)
    try:
        importer: _Importer = importer_of(conn)
        checking = Progress("checking", len(rows))
        records, errors = await importer.check(rows, checking)
        checking.finish()
        if errors:
            return refuse(args, errors, len(rows))
        writing = Progress("writing", len(records))
        async with conn.transaction():
            added, changed = await importer.write(records, writing)
        writing.finish()
    finally:
        await conn.close()
    sys.stdout.write(f"imported {what}: {added} added, {changed} changed, {len(records)} rows\n")
    return 0


async def _areas(settings: ServiceSettings, args: argparse.Namespace) -> int:
    return await run_import(settings, args, "areas", AREA_HEADERS, AREA_REQUIRED, AreaImporter)


async def _places(settings: ServiceSettings, args: argparse.Namespace) -> int:
    return await run_import(settings, args, "places", PLACE_HEADERS, PLACE_REQUIRED, PlaceImporter)


IMPORT_AREAS = Command(
    help="import areas (区划导入) from CSV or XLSX: all rows or none, upsert by code",
    add_arguments=_arguments,
    run=_areas,
)
IMPORT_PLACES = Command(
    help="import places (场所导入) from CSV or XLSX: all rows or none, upsert by external key",
    add_arguments=_arguments,
    run=_places,
)
