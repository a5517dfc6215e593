"""Figures a round asks of the incidents service: incident counts by category and patrol hours,
once per area code its units lie in, over the round's period in the business time zone.

Incidents down is a clear 503 (502 for an answer this service does not understand, or an area
incidents does not know), never a silent zero: a unit's incident indicators would score full.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from assessment.clients.incidents import (
    IncidentsAreaNotFoundError,
    IncidentsBadAnswerError,
    IncidentsClient,
    IncidentsError,
    IncidentsUnavailableError,
)
from assessment.rounds.evidence import AreaFigures, RoundUnit
from assessment.rounds.models import AssessmentRound
from assessment.rounds.rules import RoundRules
from pingan_shared.errors import ProblemError
from pingan_shared.settings import business_timezone

COVERAGE_PATH = "/v1/patrols/coverage"
CONCURRENT_CALLS = 8
RETRY_AFTER_SECONDS = "10"
T = TypeVar("T")


class PatrolCoverage(BaseModel):
    """The part of incidents' `GET /v1/patrols/coverage` a round reads."""

    area_code: str
    hours: float


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the business time zone."""
    zone = business_timezone()
    return (
        datetime.combine(start, time(), zone),
        datetime.combine(end + timedelta(days=1), time(), zone),
    )


async def area_figures(
    incidents: IncidentsClient,
    assessment_round: AssessmentRound,
    rules: RoundRules,
    units: list[RoundUnit],
) -> AreaFigures:
    """Incident counts and patrol hours of the areas of the units whose indicators need them."""
    start, end = period_bounds(assessment_round.period_start, assessment_round.period_end)
    kinds = sorted({u.kind for u in units})

    def areas(measure: str) -> list[str]:
        wanted = rules.kinds_measuring(measure, kinds)
        return sorted({u.area_code for u in units if u.kind in wanted})

    async def counts(area: str) -> dict[str, int]:
        answer = await incidents.incident_counts(area, start, end)
        return {c.category: c.count for c in answer.by_category}

    async def hours(area: str) -> Decimal:
        answer = await patrol_coverage(incidents, area, start, end)
        return Decimal(str(round(answer.hours, 2)))

    try:
        incident_counts = await _each(areas("incidents"), counts)
        patrol_hours = await _each(areas("patrol"), hours)
    except IncidentsUnavailableError:
        raise ProblemError(
            503,
            "incidents-unavailable",
            "the incidents service cannot be reached: incident and patrol indicators cannot be "
            "scored; try again later",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        ) from None
    except IncidentsAreaNotFoundError as exc:
        raise ProblemError(
            502, "incidents-area-unknown", f"the incidents service knows no area {exc}"
        ) from None
    except IncidentsError:
        raise ProblemError(
            502, "incidents-bad-answer", "the incidents service gave an unexpected answer"
        ) from None
    return AreaFigures(incidents=incident_counts, patrol_hours=patrol_hours)


async def _each(keys: Iterable[str], ask: Callable[[str], Awaitable[T]]) -> dict[str, T]:
    """Ask for every key, a few at a time; the first failure cancels the rest."""
    gate = asyncio.Semaphore(CONCURRENT_CALLS)

    async def one(key: str) -> tuple[str, T]:
        async with gate:
            return key, await ask(key)

    tasks = [asyncio.ensure_future(one(key)) for key in keys]
    try:
        return dict(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()


async def patrol_coverage(
    incidents: IncidentsClient, area_code: str, start: datetime, end: datetime
) -> PatrolCoverage:
    """Hours patrolled in an area over [start, end), through the incidents client's connection
    and service token."""
    params = {"area": area_code, "from": start.isoformat(), "to": end.isoformat(), "group": "area"}
    try:
        response = await incidents.http.get(COVERAGE_PATH, params=params)
    except httpx.TransportError as exc:
        raise IncidentsUnavailableError(type(exc).__name__) from exc
    if response.status_code >= 500:
        raise IncidentsUnavailableError(f"status {response.status_code}")
    if response.status_code == 404:
        raise IncidentsAreaNotFoundError(area_code)
    if response.status_code != 200:
        raise IncidentsBadAnswerError(f"status {response.status_code}")
    try:
        return PatrolCoverage.model_validate_json(response.content)
    except ValidationError as exc:
        raise IncidentsBadAnswerError(f"unexpected body: {exc.error_count()} errors") from exc
