"""Importing tables the county keeps in Excel or CSV: rows keyed by field, with English or
Chinese headers; a per-row error report; a progress bar for long imports run by hand.

Needs `openpyxl` in the importing service's dependencies.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TextIO

from openpyxl import Workbook, load_workbook

TableKind = Literal["csv", "xlsx"]
# Cells the town's spreadsheets leave "empty" in other ways than blank.
_BLANK = (None, "")


class ImportFileError(ValueError):
    """The file cannot be read as a table of the rows asked for."""


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row (numbered as a spreadsheet shows it, the header being 1)."""

    row: int
    field: str
    message: str


def table_kind(path: Path) -> TableKind:
    """`csv` or `xlsx` by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return "csv" if suffix == ".csv" else "xlsx"
    raise ImportFileError("give a .csv or .xlsx file")


def _cells(stream: IO[bytes], kind: TableKind) -> Iterator[tuple[Any, ...]]:
    if kind == "xlsx":
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and XML errors alike
            raise ImportFileError(f"not a readable XLSX workbook ({type(exc).__name__})") from exc
        sheet = workbook.active
        if sheet is None:
            raise ImportFileError("the workbook has no sheet")
        yield from sheet.iter_rows(values_only=True)
        return
    # The wrapper takes the stream over: the table's rows are read from it lazily.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from (tuple(r) for r in csv.reader(text))
    except UnicodeDecodeError:
        raise ImportFileError("a CSV file must be UTF-8 (save it as “CSV UTF-8”)") from None


def header_fields(
    header: Sequence[Any], labels: Mapping[str, Sequence[str]], required: frozenset[str]
) -> list[str | None]:
    """The field each column holds: its header is the field's name or one of its labels
    (Chinese headers of the town's spreadsheets); None for columns of no field."""
    by_label = {label: field for field, names in labels.items() for label in (field, *names)}
    fields = [by_label.get(str(h).strip()) if h is not None else None for h in header]
    missing = required - set(fields)
    if missing:
        raise ImportFileError(f"the header lacks the columns: {', '.join(sorted(missing))}")
    seen = [f for f in fields if f is not None]
    if len(seen) != len(set(seen)):
        raise ImportFileError("two columns hold the same field")
    return fields


@dataclass(frozen=True, slots=True)
class Table:
    """A table being read: which header each field came under, and its data rows as
    (row number in the sheet, {field: value}), blank cells left out, blank rows skipped."""

    columns: dict[str, str]
    rows: Iterator[tuple[int, dict[str, Any]]]


def open_table(
    stream: IO[bytes],
    kind: TableKind,
    labels: Mapping[str, Sequence[str]],
    required: frozenset[str] = frozenset(),
) -> Table:
    """Read the header row of `stream` (the first row) and get ready to read the rest."""
    cells = _cells(stream, kind)
    header = next(cells, None)
    if header is None:
        raise ImportFileError("the file is empty")
    fields = header_fields(header, labels, required)
    columns = {f: str(h).strip() for f, h in zip(fields, header, strict=False) if f}

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, row in enumerate(cells, start=2):
            record = {f: v for f, v in zip(fields, row, strict=False) if f and v not in _BLANK}
            if record:
                yield number, record

    return Table(columns, rows())


def read_rows(
    path: Path, labels: Mapping[str, Sequence[str]], required: frozenset[str] = frozenset()
) -> list[tuple[int, dict[str, Any]]]:
    """Every data row of the .csv or .xlsx file at `path`, read whole and closed, as
    `open_table` numbers them (blank rows skipped but counted, so numbers match the sheet)."""
    kind = table_kind(path)
    with path.open("rb") as stream:
        return list(open_table(stream, kind, labels, required).rows)


def write_error_report(
    path: Path, errors: Sequence[RowError], *, field_heading: str = "column 列"
) -> None:
    """The per-row report: row, column (or `field_heading`), message; CSV (UTF-8 with BOM, so
    spreadsheet programs read it) or XLSX by the path's suffix."""
    heading = ["row 行号", field_heading, "message 错误"]
    if table_kind(path) == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("errors 错误")
        sheet.append(heading)
        for e in errors:
            sheet.append([e.row, e.field, e.message])
        workbook.save(path)
        return
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(heading)
        writer.writerows([e.row, e.field, e.message] for e in errors)


class Progress:
    """`[########------]  57%  57,000/100,000 rows  12,345 rows/s`, redrawn at most 10 times a
    second; nothing but the final line when the stream is not a terminal."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._live = self.stream.isatty()

    def advance(self, count: int = 1) -> None:
        """Count `count` more rows done."""
        self.done += count
        now = time.monotonic()
        if self._live and now - self._drawn >= 0.1:
            self._drawn = now
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def line(self) -> str:
        """The bar as text."""
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        return (
            f"{self.label:<10} [{bar:<30}] {share:>4.0%} {self.done:,}/{self.total:,} rows "
            f"{rate:,.0f} rows/s"
        )

    def finish(self) -> float:
        """Draw the last state on its own line; returns the rows per second."""
        self.stream.write(("\r" if self._live else "") + self.line() + "\n")
        self.stream.flush()
        return self.done / max(time.monotonic() - self.started, 1e-9)
