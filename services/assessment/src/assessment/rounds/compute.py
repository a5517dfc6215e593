"""Computing a round: gather, score, rank, store.

Incidents is asked between two short sessions, so a slow or absent incidents service holds no
database connection; the second session locks the round row, so computing, publishing and
correcting one round take turns.
"""

from __future__ import annotations

import gc
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.clients.incidents import IncidentsClient
from assessment.rounds import access, repository
from assessment.rounds.evidence import AreaFigures, RoundUnit, gather, round_units
from assessment.rounds.figures import area_figures
from assessment.rounds.models import AssessmentRound, RoundStatus
from assessment.rounds.rules import RoundRules, round_rules
from assessment.rounds.scores import RankedUnit, ranking_level, replace_scores
from assessment.rounds.scoring import rank, score_units
from assessment.schemes import repository as schemes
from assessment.schemes.models import Scheme
from pingan_shared.auth import Principal
from pingan_shared.db import Database
from pingan_shared.errors import not_found


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a round is computed from, read before incidents is asked."""

    scheme: Scheme
    rules: RoundRules
    units: list[RoundUnit]
    figures: AreaFigures


async def prepare(
    database: Database,
    incidents: IncidentsClient,
    principal: Principal,
    round_id: uuid.UUID,
    *,
    published: bool = False,
) -> Prepared:
    """Read the round's scheme and units, then ask incidents for their areas' figures; a
    published round only when correcting it."""
    async with database.session() as session:
        assessment_round, scheme = await access.visible_round(session, principal, round_id)
        if not published:
            access.not_published(assessment_round)
        tree = await schemes.load_tree(session, scheme)
        units = await round_units(session, assessment_round, list(scheme.unit_kinds))
    rules = round_rules(tree)
    figures = await area_figures(incidents, assessment_round, rules, units)
    return Prepared(scheme, rules, units, figures)


async def locked_round(session: AsyncSession, round_id: uuid.UUID) -> AssessmentRound:
    """The round row, locked for the rest of the transaction."""
    assessment_round = await repository.get_round(session, round_id, for_update=True)
    if assessment_round is None:
        raise not_found("round")
    return assessment_round


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while a round is computed, published or corrected.

    Gathering and scoring allocate hundreds of thousands of small tuples, lists and dicts (none
    in reference cycles); each allocation burst would trigger collections over all of them,
    which more than doubled the time. Wrapped around a whole computation, whose objects are
    freed by reference counting when it returns, the collector resumes with little to do.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def score_round(
    session: AsyncSession, assessment_round: AssessmentRound, prepared: Prepared
) -> list[RankedUnit]:
    """Score and rank every unit of the round, and store the scores in place of the last ones
    (run under `paused_gc`)."""
    ranked = await _score_and_store(session, assessment_round, prepared)
    assessment_round.computed_at = datetime.now(UTC)
    assessment_round.version += 1
    if assessment_round.status == RoundStatus.open:
        assessment_round.status = RoundStatus.computed
    session.add(assessment_round)
    await session.flush()
    return ranked


async def _score_and_store(
    session: AsyncSession, assessment_round: AssessmentRound, prepared: Prepared
) -> list[RankedUnit]:
    evidence = await gather(
        session, assessment_round, prepared.rules, prepared.units, prepared.figures
    )
    results = score_units(prepared.rules.rules, evidence)
    level = ranking_level(assessment_round.area_code)
    areas = {u.id: u.area_code[:level] for u in prepared.units}
    in_area = rank(
        [(r.unit_id, (r.kind, areas[uuid.UUID(r.unit_id)]), r.total, r.vetoed) for r in results]
    )
    in_round = rank([(r.unit_id, r.kind, r.total, r.vetoed) for r in results])
    ranked = [
        RankedUnit(unit, result, in_area[result.unit_id], in_round[result.unit_id], areas[unit.id])
        for unit, result in zip(prepared.units, results, strict=True)
    ]
    await replace_scores(session, assessment_round.id, ranked)
    return ranked


def scores_digest(ranked: list[RankedUnit]) -> str:
    """SHA-256 of every unit's total, rating and veto, by unit id: what the audit log keeps of
    a computation, so a later change to a stored score shows."""
    lines = sorted(
        (str(r.unit.id), str(r.result.total), r.result.rating, r.result.vetoed, r.rank)
        for r in ranked
    )
    return hashlib.sha256(json.dumps(lines, separators=(",", ":")).encode()).hexdigest()


class Counts(TypedDict):
    """Counts of a computation."""

    units: int
    ratings: dict[str, int]
    vetoed: int
    inconclusive: int


def summary(ranked: list[RankedUnit]) -> Counts:
    """Counts of a computation: units, by rating, vetoed, still inconclusive."""
    return Counts(
        units=len(ranked),
        ratings=dict(Counter(r.result.rating for r in ranked)),
        vetoed=sum(r.result.vetoed for r in ranked),
        inconclusive=sum(bool(r.result.inconclusive) for r in ranked),
    )


async def compute_round(
    database: Database, incidents: IncidentsClient, principal: Principal, round_id: uuid.UUID
) -> tuple[AssessmentRound, Scheme, Counts]:
    """Compute a round that is not published yet; audited with a digest of the scores."""
    with paused_gc():
        return await _compute_round(database, incidents, principal, round_id)


async def _compute_round(
    database: Database, incidents: IncidentsClient, principal: Principal, round_id: uuid.UUID
) -> tuple[AssessmentRound, Scheme, Counts]:
    prepared = await prepare(database, incidents, principal, round_id)
    async with database.session() as session:
        assessment_round = await locked_round(session, round_id)
        access.not_published(assessment_round)
        ranked = await score_round(session, assessment_round, prepared)
        counts = summary(ranked)
        await record(
            session,
            actor=principal.sub,
            action="round.computed",
            entity="round",
            entity_id=str(round_id),
            data={**counts, "digest": scores_digest(ranked), "version": assessment_round.version},
        )
    return assessment_round, prepared.scheme, counts
