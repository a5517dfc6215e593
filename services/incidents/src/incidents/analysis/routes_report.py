"""`/v1/analysis/series`, `/v1/analysis/patrol-fit` and `/v1/analysis/report`: series of
incidents, patrols against incidents, and the town report as a workbook or charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from incidents.analysis.filters import AnalysisFiltersDep, checked_filters
from incidents.analysis.report_schemas import SeriesAnswer
from incidents.analysis.series import SeriesRules, TooManyPairsError
from incidents.analysis.series_service import series_answer
from incidents.deps import StatisticsReaderDep
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, problem_responses

router = APIRouter(prefix="/v1/analysis", tags=["analysis"])


@router.get(
    "/series",
    name="incidents_analysis_series",
    summary="Series (系列案件): incidents that look like the work of one hand",
    response_model=SeriesAnswer,
    responses=problem_responses(401, 403, 404, 422),
)
async def series(
    session: SessionDep,
    principal: StatisticsReaderDep,
    filters: AnalysisFiltersDep,
    radius_m: Annotated[
        float, Query(ge=50, le=5000, description="Linked incidents lie this close (metres)")
    ] = 1000,
    window_days: Annotated[
        float, Query(ge=1, le=180, description="Linked incidents occurred this close (days)")
    ] = 30,
    mo_similarity: Annotated[
        float, Query(ge=0.1, le=1, description="Least modus operandi similarity of a link")
    ] = 0.5,
    min_size: Annotated[int, Query(ge=2, le=100, description="Fewest incidents of a series")] = 3,
) -> SeriesAnswer:
    """Groups of incidents of one category, near in place and time, with alike modus operandi
    and suspects who do not contradict each other; each with its members and the reasons."""
    area = await checked_filters(session, principal, filters)
    rules = SeriesRules(radius_m, window_days, mo_similarity, min_size)
    try:
        return await series_answer(session, area, filters, rules)
    except TooManyPairsError as exc:
        raise field_error(
            "query.radius_m",
            f"{exc}: narrow the area, period or category, or the radius or window",
            "too_many_pairs",
        ) from None
