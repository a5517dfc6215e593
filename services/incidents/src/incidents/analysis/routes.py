"""`/v1/analysis/breakdown`, `/times` and `/suspects`: what happens, when, and what is known of
who does it, over an area and a period, against the previous period and a year earlier."""

from __future__ import annotations

from fastapi import APIRouter

from incidents.analysis import service
from incidents.analysis.filters import AnalysisFiltersDep, checked_filters
from incidents.analysis.schemas import Breakdown, SuspectTraits, Times
from incidents.deps import StatisticsReaderDep
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses

router = APIRouter(prefix="/v1/analysis", tags=["analysis"])


@router.get(
    "/breakdown",
    name="incidents_analysis_breakdown",
    summary="Breakdown (案件构成): incidents by category, area, place, source, status, severity",
    response_model=Breakdown,
    responses=problem_responses(401, 403, 404, 422),
)
async def breakdown(
    session: SessionDep, principal: StatisticsReaderDep, filters: AnalysisFiltersDep
) -> Breakdown:
    """Counts and shares of the period's incidents by category, child area, place kind, place,
    source, status and severity; changes against the previous period (环比) and the same period a
    year earlier (同比); rates per 1,000 residents where the population is known."""
    area = await checked_filters(session, principal, filters)
    return await service.breakdown(session, filters, area)


@router.get(
    "/times",
    name="incidents_analysis_times",
    summary="Times (发案时段): the day-of-week × hour matrix and the trends",
    response_model=Times,
    responses=problem_responses(401, 403, 404, 422),
)
async def times(
    session: SessionDep, principal: StatisticsReaderDep, filters: AnalysisFiltersDep
) -> Times:
    """The 7 × 24 matrix of when the period's incidents happened, in the business time zone: an
    incident known only by a window from–to adds to each hour in proportion to its overlap
    (aoristic); the same for the previous period; monthly and weekly counts."""
    area = await checked_filters(session, principal, filters)
    return await service.times(session, filters, area)


@router.get(
    "/suspects",
    name="incidents_analysis_suspects",
    summary="Suspects' traits (作案人员特点): gender, age band, origin, modus operandi",
    response_model=SuspectTraits,
    responses=problem_responses(401, 403, 404, 422),
)
async def suspects(
    session: SessionDep, principal: StatisticsReaderDep, filters: AnalysisFiltersDep
) -> SuspectTraits:
    """What reporters recorded of the perpetrators of the period's incidents, as counts and
    shares against the previous period and a year earlier; never a list of people."""
    area = await checked_filters(session, principal, filters)
    return await service.suspects(session, filters, area)
