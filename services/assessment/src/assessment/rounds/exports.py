"""The ranking as an XLSX workbook (排名表), through the shared writer: row by row in openpyxl's
write-only mode as batches arrive from the database, so memory stays flat however many units
the round has."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import IO, Any

from assessment.rounds.notices import kind_name
from pingan_shared.spreadsheet_exports import Cell, xlsx_file

HEADERS = (
    "本片区排名 Rank",
    "单位名称 Unit",
    "类别 Kind",
    "区划代码 Area code",
    "排名片区 Ranking area",
    "得分 Score",
    "加分 Bonus",
    "总分 Total",
    "等次 Rating",
    "一票否决 Vetoed",
    "本类排名 Rank in round",
    "单位编号 Unit ID",
)
WIDTHS = {"A": 10, "B": 36, "C": 12, "D": 18, "E": 16, "I": 10, "L": 38}


def ranking_row(row: dict[str, Any]) -> list[Cell]:
    """One unit's row of the ranking sheet."""
    return [
        row["rank"],
        row["name"],
        kind_name(row["kind"]),
        row["area_code"],
        row["rank_area"],
        row["score"],
        row["bonus"],
        row["total"],
        row["rating"],
        "是" if row["vetoed"] else "",
        row["rank_in_round"],
        str(row["unit_id"]),
    ]


async def _rows(batches: AsyncIterator[list[dict[str, Any]]]) -> AsyncIterator[Sequence[Cell]]:
    async for batch in batches:
        for row in batch:
            yield ranking_row(row)


async def ranking_xlsx(batches: AsyncIterator[list[dict[str, Any]]]) -> IO[bytes]:
    """The ranking workbook in a spooled temporary file, positioned at its start."""
    return await xlsx_file(HEADERS, _rows(batches), sheet_title="排名 ranking", widths=WIDTHS)
