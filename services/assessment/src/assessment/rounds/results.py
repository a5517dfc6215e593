"""Reading a round's results: scores as a ranking, one unit's provenance, bulletin versions —
each narrowed to what the caller may read (see `assessment.rounds.access`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.rounds import access
from assessment.rounds.facts import FindingIds, readable_findings
from assessment.rounds.models import AssessmentRound, Bulletin
from assessment.rounds.presenter import present_bulletin
from assessment.rounds.provenance import finding_ids
from assessment.rounds.schemas import BulletinOut, UnitScoreOut
from assessment.rounds.scores import RankingQuery, ranking_level
from assessment.schemes.models import Scheme
from assessment.units.models import UnitKind
from pingan_shared.auth import Principal
from pingan_shared.errors import field_error, not_found


@dataclass(frozen=True, slots=True)
class ReadableRound:
    """A round whose scores the caller may read, and the query that narrows them."""

    round: AssessmentRound
    scheme: Scheme
    query: RankingQuery


async def readable_scores(
    session: AsyncSession,
    principal: Principal,
    round_id: uuid.UUID,
    *,
    kind: UnitKind | None = None,
    unit_id: uuid.UUID | None = None,
    with_details: bool = False,
) -> ReadableRound:
    """The round and the ranking query of what the caller may read (403 before publication
    for all but the office)."""
    assessment_round, scheme = await access.visible_round(session, principal, round_id)
    access.check_scores_readable(principal, assessment_round)
    own = access.only_unit(principal)
    if own is not None and unit_id is not None and unit_id != own:
        raise not_found("score")
    query = RankingQuery(
        round_id=assessment_round.id,
        level=ranking_level(assessment_round.area_code),
        prefixes=access.reader_prefixes(principal, assessment_round),
        kind=str(kind) if kind is not None else None,
        unit_id=own or unit_id,
        with_details=with_details,
    )
    return ReadableRound(assessment_round, scheme, query)


async def unit_score(
    session: AsyncSession, readable: ReadableRound, row: dict[str, Any]
) -> UnitScoreOut:
    """One unit's score with its provenance, the ids of the findings it counted looked up."""
    ids = await finding_ids(session, readable.round.id, row["unit_id"], readable.round.computed_at)
    return score_out(row, ids)


def score_out(row: dict[str, Any], ids: FindingIds | None = None) -> UnitScoreOut:
    """A ranking row as the API shows it (findings provenance spelt out per indicator, with the
    finding ids of `unit_score`)."""
    details = row.get("details")
    if details is not None:
        indicators = details.setdefault("indicators", {})
        indicators.update(readable_findings(details.pop("findings", {}), ids))
    return UnitScoreOut(
        unit_id=row["unit_id"],
        unit_name=row["name"],
        kind=UnitKind(row["kind"]),
        area_code=row["area_code"],
        total=row["total"],
        score=row["score"],
        bonus=row["bonus"],
        rating=row["rating"],
        vetoed=row["vetoed"],
        rank=row["rank"],
        rank_in_round=row["rank_in_round"],
        details=details,
    )


def ranking_cursor(after: list[Any] | None) -> list[Any] | None:
    """A decoded ranking cursor, checked: [kind, rank area, rank, unit id]."""
    if after is None:
        return None
    if (
        len(after) != 4
        or not all(isinstance(v, str) for v in (after[0], after[1], after[3]))
        or type(after[2]) is not int
    ):
        raise field_error("query.cursor", "not a cursor this service issued")
    try:
        uuid.UUID(after[3])
    except ValueError:
        raise field_error("query.cursor", "not a cursor this service issued") from None
    return after


async def bulletin_versions(
    session: AsyncSession, principal: Principal, round_id: uuid.UUID
) -> list[Bulletin]:
    """Every bulletin version of a round the caller sees, oldest first."""
    await access.visible_round(session, principal, round_id)
    rows = await session.execute(
        select(Bulletin).where(col(Bulletin.round_id) == round_id).order_by(col(Bulletin.version))
    )
    return list(rows.scalars())


async def readable_bulletin(
    session: AsyncSession, principal: Principal, round_id: uuid.UUID, version: int
) -> tuple[Bulletin, BulletinOut]:
    """One bulletin version as the caller may read it: the units in the caller's areas (a unit
    contact: its own line)."""
    assessment_round, _ = await access.visible_round(session, principal, round_id)
    bulletin = (
        await session.execute(
            select(Bulletin).where(
                col(Bulletin.round_id) == round_id, col(Bulletin.version) == version
            )
        )
    ).scalar_one_or_none()
    if bulletin is None:
        raise not_found("bulletin")
    own = access.only_unit(principal)
    prefixes = access.reader_prefixes(principal, assessment_round)
    return bulletin, present_bulletin(bulletin, prefixes, str(own) if own else None)
