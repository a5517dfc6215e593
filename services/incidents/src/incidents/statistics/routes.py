"""`GET /v1/statistics/incidents`: an area's incidents by category over a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from incidents.areas import repository as areas
from incidents.deps import StatisticsReaderDep
from incidents.statistics import repository
from incidents.statistics.schemas import CategoryCount, IncidentCounts
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, not_found, problem_responses

router = APIRouter(prefix="/v1/statistics", tags=["statistics"])
DEFAULT_PERIOD = timedelta(days=30)


@router.get(
    "/incidents",
    name="statistics_incident_counts",
    summary="Count an area's incidents by category (警情分类统计)",
    response_model=IncidentCounts,
    responses=problem_responses(401, 403, 404, 422),
)
async def incident_counts(
    session: SessionDep,
    principal: StatisticsReaderDep,
    area: Annotated[str, Query(pattern=r"^\d{6,20}$", description="Area code (and all inside it)")],
    period_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="Start (inclusive); 30 days ago")
    ] = None,
    period_to: Annotated[
        AwareDatetime | None, Query(alias="to", description="End (exclusive); now by default")
    ] = None,
) -> IncidentCounts:
    """Counts by category of incidents that occurred in the area during [from, to)."""
    end = period_to or datetime.now(UTC)
    start = period_from or end - DEFAULT_PERIOD
    if start >= end:
        raise field_error("query.from", "must be before `to`", "empty_period")
    found = await areas.get_area(session, area)
    if found is None or not principal.can_see(found.code):
        raise not_found("area")
    rows = await repository.counts_by_category(session, found.code, start, end)
    return IncidentCounts(
        area_code=found.code,
        area_name=found.name,
        period_from=start,
        period_to=end,
        total=sum(n for _, _, n in rows),
        by_category=[CategoryCount(category=c, name=name, count=n) for c, name, n in rows],
    )
