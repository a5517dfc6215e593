"""`/v1/surveys`: record survey samples, read their awareness and participation rates with
Wilson intervals, and plan how many to ask."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from assessment.surveys import service
from assessment.surveys.repository import SampleFilter
from assessment.surveys.schemas import (
    PooledRates,
    SampleSizePlan,
    SurveySampleCreate,
    SurveySampleOut,
)
from assessment.surveys.stats import CONFIDENCE, plan_sample_size
from assessment.tables import idempotency_keys
from assessment.units.service import readable_unit
from pingan_shared.auth import Principal, Role, effective_areas, require_roles
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params, time_and_id

router = APIRouter(prefix="/v1/surveys", tags=["surveys"])
CREATE = "assessment_surveys_create"

SURVEY_RECORDERS = (Role.admin, Role.inspector)
# `unit` contacts pass this gate but read only their own unit's samples (surveys.service).
SURVEY_READERS = (Role.admin, Role.leader, Role.inspector, Role.service, Role.unit)
RecorderDep = Annotated[Principal, Depends(require_roles(*SURVEY_RECORDERS))]
ReaderDep = Annotated[Principal, Depends(require_roles(*SURVEY_READERS))]

UnitQuery = Annotated[uuid.UUID | None, Query(description="Only this unit's samples")]
AreaQuery = Annotated[
    str | None, Query(pattern=r"^\d{1,20}$", description="Only samples inside this area code")
]
RoundQuery = Annotated[uuid.UUID | None, Query(description="Only samples of this round")]
FromQuery = Annotated[date | None, Query(alias="from", description="Periods starting on or after")]
ToQuery = Annotated[date | None, Query(alias="to", description="Periods ending on or before")]
Threshold = Annotated[float | None, Query(gt=0, le=1, description="Judge the rate against this")]


def _filter(
    principal: Principal,
    unit_id: uuid.UUID | None,
    area: str | None,
    round_id: uuid.UUID | None,
    period_from: date | None,
    period_to: date | None,
) -> SampleFilter:
    if period_from is not None and period_to is not None and period_to < period_from:
        raise field_error("query.to", "before `from`", "empty_period")
    return SampleFilter(
        prefixes=effective_areas(area, principal.areas),
        unit_id=unit_id,
        round_id=round_id,
        period_from=period_from,
        period_to=period_to,
    )


@router.post(
    "",
    name=CREATE,
    summary="Record a survey sample (录入抽样调查)",
    status_code=201,
    response_model=SurveySampleOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_sample(
    body: SurveySampleCreate,
    session: SessionDep,
    principal: RecorderDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record how many of a unit's or an area's people were asked, knew of the campaign
    (知晓) and took part (参与) in a period. More aware or taking part than asked is refused
    naming the field. With an `Idempotency-Key`, a retry returns the first response."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    sample = await service.record_sample(session, body, principal)
    out = service.present_sample(sample)
    response.headers["Location"] = f"/v1/surveys/{sample.id}"
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="assessment_surveys_list",
    summary="List survey samples (抽样调查列表)",
    response_model=Page[SurveySampleOut],
    responses=problem_responses(401, 403, 422),
)
async def list_samples(
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    unit_id: UnitQuery = None,
    area: AreaQuery = None,
    round_id: RoundQuery = None,
    period_from: FromQuery = None,
    period_to: ToQuery = None,
) -> Page[SurveySampleOut]:
    """Samples in the caller's areas in the order recorded, each with its rates; a unit
    contact sees its own unit's only."""
    after = time_and_id(page.after) if page.after is not None else None
    found = await service.list_samples(
        session,
        principal,
        _filter(principal, unit_id, area, round_id, period_from, period_to),
        after=after,
        limit=page.limit + 1,
    )
    shown = found[: page.limit]
    next_cursor = None
    if len(found) > page.limit:
        next_cursor = encode_cursor([shown[-1].created_at, str(shown[-1].id)])
    return Page[SurveySampleOut](
        items=[service.present_sample(s) for s in shown], next_cursor=next_cursor
    )


@router.get(
    "/rates",
    name="assessment_surveys_rates",
    summary="Pooled awareness and participation rates (知晓率与参与率)",
    response_model=PooledRates,
    responses=problem_responses(401, 403, 404, 422),
)
async def pooled_rates(
    session: SessionDep,
    principal: ReaderDep,
    unit_id: UnitQuery = None,
    area: AreaQuery = None,
    round_id: RoundQuery = None,
    period_from: FromQuery = None,
    period_to: ToQuery = None,
    awareness_threshold: Threshold = None,
    participation_threshold: Threshold = None,
) -> PooledRates:
    """Every visible sample of the unit or area in the period, pooled, with 95 % Wilson
    intervals. Given a threshold, each rate is judged: pass when the interval lies at or above
    it, deduct only when the interval lies wholly below it, otherwise inconclusive with how many
    more to ask."""
    if unit_id is not None:
        await readable_unit(session, principal, unit_id)
    return await service.pooled_rates(
        session,
        principal,
        _filter(principal, unit_id, area, round_id, period_from, period_to),
        area_code=area,
        awareness_threshold=awareness_threshold,
        participation_threshold=participation_threshold,
    )


@router.get(
    "/sample-size",
    name="assessment_surveys_sample_size",
    summary="Plan a survey's sample size (样本量测算)",
    response_model=SampleSizePlan,
    responses=problem_responses(401, 403, 422),
)
async def sample_size(
    _: ReaderDep,
    margin: Annotated[float, Query(gt=0, lt=1, description="Half-width wanted, e.g. 0.05")],
    expected_rate: Annotated[float, Query(ge=0, le=1, description="Rate expected")] = 0.5,
    population: Annotated[
        int | None, Query(ge=1, description="How many people there are (有限总体)")
    ] = None,
    design_effect: Annotated[
        float, Query(ge=1, le=100, description="Design effect of clustered sampling")
    ] = 1.0,
    confidence: Annotated[float, Query(ge=0.5, lt=1, description="Confidence level")] = CONFIDENCE,
) -> SampleSizePlan:
    """How many to ask for a rate within ±margin: Cochran's formula with the design effect and
    the finite-population correction (see `assessment.surveys.stats.plan_sample_size`)."""
    size = plan_sample_size(
        margin,
        expected_rate,
        population=population,
        design_effect=design_effect,
        confidence=confidence,
    )
    return SampleSizePlan(
        sample_size=size,
        margin=margin,
        expected_rate=expected_rate,
        population=population,
        design_effect=design_effect,
        confidence=confidence,
    )


@router.get(
    "/{sample_id}",
    name="assessment_surveys_get",
    summary="Read a survey sample (抽样调查详情)",
    response_model=SurveySampleOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_sample(
    sample_id: uuid.UUID, session: SessionDep, principal: ReaderDep
) -> SurveySampleOut:
    """One sample with its rates; 404 when it does not exist or the caller may not see it."""
    return service.present_sample(await service.readable_sample(session, principal, sample_id))
