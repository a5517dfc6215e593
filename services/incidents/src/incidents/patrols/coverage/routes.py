"""`GET /v1/patrols/coverage`: hours patrolled and places covered (巡防覆盖统计)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from incidents.areas import repository as areas
from incidents.patrols.access import CoverageReaderDep, own_team_ids
from incidents.patrols.coverage.repository import Group
from incidents.patrols.coverage.schemas import CoverageOut
from incidents.patrols.coverage.service import coverage
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, not_found, problem_responses

router = APIRouter(prefix="/v1/patrols", tags=["patrols"])
DEFAULT_PERIOD = timedelta(days=28)
MAX_PERIOD = timedelta(days=366)


@router.get(
    "/coverage",
    name="patrols_coverage",
    summary="Patrol coverage: hours and places, per team, area or week (巡防覆盖统计)",
    response_model=CoverageOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def patrol_coverage(
    session: SessionDep,
    principal: CoverageReaderDep,
    area: Annotated[str, Query(pattern=r"^\d{6,20}$", description="Area code (and all inside)")],
    period_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="Start (inclusive); 28 days ago")
    ] = None,
    period_to: Annotated[
        AwareDatetime | None, Query(alias="to", description="End (exclusive); now by default")
    ] = None,
    group: Annotated[Group, Query(description="Rows per team, area or ISO week")] = "team",
) -> CoverageOut:
    """Hours patrolled (checked-out patrols, clipped to the period) and distinct places covered
    (H3 cells of track points and check-ins) inside the area; a patrol member sees their own
    teams' figures. Every active team of the area has a row when grouping by team."""
    end = period_to or datetime.now(UTC)
    start = period_from or end - DEFAULT_PERIOD
    if start >= end:
        raise field_error("query.from", "must be before `to`", "empty_period")
    if end - start > MAX_PERIOD:
        raise field_error("query.from", "the period is at most 366 days", "period_too_long")
    found = await areas.get_area(session, area)
    if found is None or not principal.can_see(found.code):
        raise not_found("area")
    teams = await own_team_ids(session, principal)
    return await coverage(session, found, start, end, group, teams)
