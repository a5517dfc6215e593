"""Preparing, drawing and verifying spot-check draws (抽查).

A draw is prepared in three steps, so the database is never held while incidents is asked:
the candidates are read (`plan_draw`), their areas' incidents counted when the draw weights hot
spots up (`count_incidents`), and the draw recorded with its seed (`record_draw`). Drawing is a
separate call that only computes the selection from what was recorded.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.service import record
from assessment.clients.incidents import IncidentsClient
from assessment.inspections import draws
from assessment.inspections.checks import open_round, round_not_published
from assessment.inspections.draw_schemas import DrawCreate, HotSpotRule
from assessment.inspections.models import SpotDraw
from assessment.rounds.models import AssessmentRound
from assessment.schemes.models import Scheme
from assessment.units.models import Unit
from assessment.units.service import unit_incident_stats
from pingan_shared.auth import Principal, effective_areas
from pingan_shared.errors import ProblemError, field_error, not_found

# Incidents is asked for a few areas at a time, not hundreds at once.
INCIDENTS_CONCURRENCY = 8
ALGORITHM = (
    "Efraimidis-Spirakis weighted sampling without replacement: u = (2*HMAC-SHA256(seed, "
    "unit_id)+1)/2^257, key = ln(u)/weight (decimal, 40 digits), the largest keys drawn"
)


@dataclass(frozen=True, slots=True)
class DrawPlan:
    """What a draw will be made of, before any weighting."""

    round_id: uuid.UUID
    prefixes: list[str]
    kinds: list[str]
    units: list[Unit]


async def plan_draw(session: AsyncSession, body: DrawCreate, principal: Principal) -> DrawPlan:
    """The candidates: units of the round's kinds (or `unit_kind`) inside the round's area, the
    caller's areas and `area_code`; at least `size` of them."""
    assessment_round = await open_round(session, body.round_id, "body.round_id")
    callers = effective_areas(body.area_code, principal.areas)
    prefixes = effective_areas(assessment_round.area_code, callers)
    scheme = await session.get(Scheme, assessment_round.scheme_id)
    kinds = list(scheme.unit_kinds) if scheme is not None else []
    if body.unit_kind is not None:
        if body.unit_kind not in kinds:
            raise field_error(
                "body.unit_kind", "the round's scheme does not assess this kind", "wrong_kind"
            )
        kinds = [body.unit_kind.value]
    units: list[Unit] = []
    if prefixes and kinds:
        query = select(Unit).where(
            or_(*[col(Unit.area_code).startswith(p) for p in prefixes]), col(Unit.kind).in_(kinds)
        )
        units = sorted((await session.execute(query)).scalars(), key=lambda u: str(u.id))
    if len(units) < body.size:
        raise field_error(
            "body.size", f"only {len(units)} candidate units for {body.size}", "too_few_candidates"
        )
    return DrawPlan(body.round_id, prefixes, kinds, units)


async def count_incidents(
    incidents: IncidentsClient, units: list[Unit], rule: HotSpotRule, until: datetime
) -> dict[str, int]:
    """Incidents per area code of the candidates over the rule's period (a problem, never a
    silent zero, when incidents cannot answer)."""
    since = until - timedelta(days=rule.days)
    by_area = {u.area_code: u for u in units}
    gate = asyncio.Semaphore(INCIDENTS_CONCURRENCY)

    async def count(unit: Unit) -> tuple[str, int]:
        async with gate:
            stats = await unit_incident_stats(incidents, unit, since, until)
        if rule.categories is None:
            return unit.area_code, stats.total
        wanted = set(rule.categories)
        return unit.area_code, sum(c.count for c in stats.by_category if c.category in wanted)

    return dict(await asyncio.gather(*(count(u) for u in by_area.values())))


def rule_text(plan: DrawPlan, body: DrawCreate, until: datetime) -> str:
    """The draw's rule as recorded: who the candidates are, how they are weighted, how drawn."""
    parts = [f"candidates: {'/'.join(plan.kinds)} units in {', '.join(plan.prefixes)}"]
    hot = body.hot_spot
    if hot is None:
        parts.append("weights: 1 each (等权)")
    else:
        since = (until - timedelta(days=hot.days)).isoformat(timespec="seconds")
        which = ", ".join(hot.categories) if hot.categories else "any category"
        parts.append(
            f"weights: {hot.weight} for units whose area had >= {hot.min_incidents} incidents "
            f"({which}) in [{since}, {until.isoformat(timespec='seconds')}), else 1 "
            f"(近{hot.days}天警情高发单位加权)"
        )
    parts.append(ALGORITHM)
    return "; ".join(parts)[:1000]


async def record_draw(
    session: AsyncSession,
    plan: DrawPlan,
    body: DrawCreate,
    counts: dict[str, int] | None,
    until: datetime,
    principal: Principal,
) -> SpotDraw:
    """Record the draw's candidates, weights, rule and seed; nothing is drawn yet."""
    assessment_round = await open_round(session, plan.round_id, "body.round_id")
    hot = body.hot_spot
    candidates: list[dict[str, object]] = []
    for unit in plan.units:
        row: dict[str, object] = {"unit_id": str(unit.id), "weight": 1}
        if hot is not None and counts is not None:
            row["incidents"] = counts[unit.area_code]
            row["weight"] = hot.weight if counts[unit.area_code] >= hot.min_incidents else 1
        candidates.append(row)
    spot_draw = SpotDraw(
        round_id=assessment_round.id,
        seed=body.seed or draws.new_seed(),
        size=body.size,
        candidates=candidates,
        rule=rule_text(plan, body, until),
        drawn_by=principal.sub,
    )
    session.add(spot_draw)
    await session.flush()
    await session.refresh(spot_draw)
    await record(
        session,
        actor=principal.sub,
        action="draw.prepared",
        entity="draw",
        entity_id=str(spot_draw.id),
        data={
            "round_id": str(spot_draw.round_id),
            "size": spot_draw.size,
            "seed_sha256": draws.seed_digest(spot_draw.seed),
            "candidates_sha256": draws.candidates_digest(draws.candidates_from(candidates)),
            "rule": spot_draw.rule,
        },
    )
    return spot_draw


async def visible_draw(
    session: AsyncSession, principal: Principal, draw_id: uuid.UUID, *, lock: bool = False
) -> SpotDraw:
    """The draw, or a 404 when it does not exist or its round's area is outside the caller's."""
    spot_draw = await session.get(SpotDraw, draw_id, with_for_update=lock or None)
    assessment_round = (
        await session.get(AssessmentRound, spot_draw.round_id) if spot_draw is not None else None
    )
    if spot_draw is None or assessment_round is None:
        raise not_found("draw")
    if not effective_areas(assessment_round.area_code, principal.areas):
        raise not_found("draw")
    return spot_draw


async def make_draw(session: AsyncSession, principal: Principal, draw_id: uuid.UUID) -> SpotDraw:
    """Draw: compute the selection from the recorded seed and candidates, once."""
    spot_draw = await visible_draw(session, principal, draw_id, lock=True)
    if spot_draw.selected is not None:
        raise ProblemError(409, "draw-drawn", "the draw has been drawn already")
    assessment_round = await session.get(AssessmentRound, spot_draw.round_id)
    if assessment_round is not None:
        round_not_published(assessment_round)
    candidates = draws.candidates_from(spot_draw.candidates)
    spot_draw.selected = draws.draw(spot_draw.seed, candidates, spot_draw.size)
    spot_draw.drawn_at = datetime.now(UTC)
    await record(
        session,
        actor=principal.sub,
        action="draw.drawn",
        entity="draw",
        entity_id=str(spot_draw.id),
        data={"selected": spot_draw.selected, "seed": spot_draw.seed},
    )
    await session.flush()
    return spot_draw
