"""Unit scores of a round: written in bulk (COPY), read as a ranking in pages or batches.

A ranking is ordered by kind, ranking area, rank and unit id: the order a bulletin lists units.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.rounds.evidence import RoundUnit
from assessment.rounds.facts import UnitResult
from pingan_shared.db import Database, driver_connection

# Area code lengths of the levels (province, prefecture, county, town, community, grid).
LEVELS = (2, 4, 6, 9, 12, 15)
COPY_CHUNK = 1000
COLUMNS = ("id", "round_id", "unit_id", "total", "bonus", "rating", "vetoed", "rank", "details")
RANKING_SQL = """
SELECT s.unit_id, u.name, u.kind::text AS kind, u.area_code, s.total, s.bonus, s.rating,
       s.vetoed, s.rank, (s.details->>'score')::numeric AS score,
       (s.details->>'rank_in_round')::int AS rank_in_round, left(u.area_code, $2) AS rank_area
       {details}
FROM unit_scores s JOIN units u ON u.id = s.unit_id
WHERE s.round_id = $1 AND u.area_code LIKE ANY($3::text[])
  AND ($4::text IS NULL OR u.kind::text = $4) AND ($5::uuid IS NULL OR u.id = $5)
  AND ($6::text IS NULL OR (u.kind::text, left(u.area_code, $2), s.rank, u.id)
       > ($6, $7::text, $8::int, $9::uuid))
ORDER BY u.kind::text, left(u.area_code, $2), s.rank, u.id
LIMIT $10
"""


def ranking_level(round_area: str) -> int:
    """How many digits of a unit's area code name its ranking area: the level just below the
    round's area (a town's round ranks within each community or village)."""
    return next((n for n in LEVELS if n > len(round_area)), len(round_area))


@dataclass(frozen=True, slots=True)
class RankedUnit:
    """A unit's result with its ranks: within its kind and ranking area, and within its kind
    over the whole round."""

    unit: RoundUnit
    result: UnitResult
    rank: int
    rank_in_round: int
    rank_area: str

    def details(self) -> dict[str, Any]:
        """The stored provenance, ranks included."""
        return {
            **self.result.details(),
            "rank_in_round": self.rank_in_round,
            "rank_area": self.rank_area,
        }


async def replace_scores(
    session: AsyncSession, round_id: uuid.UUID, ranked: Sequence[RankedUnit]
) -> None:
    """The round's scores, replaced as a whole.

    Written by COPY in chunks: while PostgreSQL takes in one chunk (parsing its JSON), the next
    one is encoded here, so the two processes work side by side.
    """
    connection = await driver_connection(session)
    await connection.execute("DELETE FROM unit_scores WHERE round_id = $1", round_id)
    pending: asyncio.Future[str] | None = None
    for start in range(0, len(ranked), COPY_CHUNK):
        records = [_record(round_id, r) for r in ranked[start : start + COPY_CHUNK]]
        if pending is not None:
            await pending
        pending = asyncio.ensure_future(
            connection.copy_records_to_table("unit_scores", records=records, columns=COLUMNS)
        )
        await asyncio.sleep(0)  # let the copy start sending before the next chunk is encoded
    if pending is not None:
        await pending


def _record(round_id: uuid.UUID, r: RankedUnit) -> tuple[Any, ...]:
    details = json.dumps(r.details(), ensure_ascii=False, separators=(",", ":"))
    return (
        uuid.uuid4(),
        round_id,
        r.unit.id,
        r.result.total,
        r.result.bonus,
        r.result.rating,
        r.result.vetoed,
        r.rank,
        details,
    )


@dataclass(frozen=True, slots=True)
class RankingQuery:
    """Which scores of a round to read."""

    round_id: uuid.UUID
    level: int
    prefixes: Sequence[str]
    kind: str | None = None
    unit_id: uuid.UUID | None = None
    with_details: bool = False


async def ranking_page(
    session: AsyncSession, query: RankingQuery, after: Sequence[Any] | None, limit: int
) -> list[dict[str, Any]]:
    """One page of the ranking after the keyset (kind, rank area, rank, unit id)."""
    if not query.prefixes:
        return []
    connection = await driver_connection(session)
    sql = RANKING_SQL.format(details=", s.details::text AS details" if query.with_details else "")
    key = list(after) if after is not None else [None, None, None, None]
    rows = await connection.fetch(
        sql,
        query.round_id,
        query.level,
        [f"{p}%" for p in query.prefixes],
        query.kind,
        query.unit_id,
        *key,
        limit,
    )
    return [_row(r) for r in rows]


def _row(record: Any) -> dict[str, Any]:
    row = dict(record)
    if "details" in row:
        row["details"] = json.loads(row["details"])
    return row


def ranking_key(row: dict[str, Any]) -> list[Any]:
    """The keyset of a ranking row, as a cursor holds it."""
    return [row["kind"], row["rank_area"], row["rank"], str(row["unit_id"])]


async def ranking_batches(
    database: Database, query: RankingQuery, batch: int = 2000
) -> AsyncIterator[list[dict[str, Any]]]:
    """The whole ranking in batches, each read in a short session of its own, so a slow
    download holds no connection."""
    after: list[Any] | None = None
    while True:
        async with database.session() as session:
            rows = await ranking_page(session, query, after, batch)
        if rows:
            yield rows
        if len(rows) < batch:
            return
        after = ranking_key(rows[-1])
