"""The rules of recording and reading survey samples (抽样调查) and their rates."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.rounds.models import AssessmentRound, RoundStatus
from assessment.surveys import repository
from assessment.surveys.models import SurveySample
from assessment.surveys.repository import SampleFilter
from assessment.surveys.schemas import (
    PooledRates,
    RateOut,
    SurveySampleCreate,
    SurveySampleOut,
    VerdictOut,
)
from assessment.surveys.stats import assess_rate, estimate_rate
from assessment.units import repository as units
from assessment.units.service import can_read, own_unit_id, reads_only_own_unit
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error, not_found


async def _sample_area(
    session: AsyncSession, body: SurveySampleCreate, principal: Principal
) -> str:
    """The area a new sample belongs to: its unit's, or the one given."""
    if body.unit_id is None:
        if body.area_code is None:
            raise field_error("body.area_code", "give the unit or the area surveyed", "missing")
        if not principal.can_see(body.area_code):
            raise ProblemError(403, "outside-areas", "you may not record surveys in this area")
        return body.area_code
    unit = await units.get_unit(session, body.unit_id)
    if unit is None or not can_read(principal, unit):
        raise field_error("body.unit_id", "unknown unit", "unknown_unit")
    if body.area_code is not None and body.area_code != unit.area_code:
        raise field_error("body.area_code", "not the unit's area", "not_the_units_area")
    return unit.area_code


async def _check_round(session: AsyncSession, round_id: uuid.UUID, area_code: str) -> None:
    """A sample may join an unpublished round whose area contains it."""
    assessment_round = await session.get(AssessmentRound, round_id)
    if assessment_round is None:
        raise field_error("body.round_id", "unknown round", "unknown_round")
    if assessment_round.status == RoundStatus.published:
        raise ProblemError(409, "round-published", "the round is published; nothing joins it")
    if not area_code.startswith(assessment_round.area_code):
        raise field_error("body.round_id", "the sample lies outside the round's area", "outside")


async def record_sample(
    session: AsyncSession, body: SurveySampleCreate, principal: Principal
) -> SurveySample:
    """Record a sample and its audit entry, in the caller's transaction."""
    area_code = await _sample_area(session, body, principal)
    if body.round_id is not None:
        await _check_round(session, body.round_id, area_code)
    sample = await repository.add_sample(
        session,
        SurveySample(
            round_id=body.round_id,
            unit_id=body.unit_id,
            area_code=area_code,
            period_start=body.period_start,
            period_end=body.period_end,
            n_asked=body.n_asked,
            n_aware=body.n_aware,
            n_participating=body.n_participating,
            method=body.method,
            recorded_by=principal.sub,
        ),
    )
    await record(
        session,
        actor=principal.sub,
        action="survey.record",
        entity="survey_sample",
        entity_id=str(sample.id),
        data=present_sample(sample).model_dump(mode="json"),
    )
    return sample


def can_read_sample(principal: Principal, sample: SurveySample) -> bool:
    """Area readers see samples in their areas; a unit contact only its own unit's."""
    if not principal.can_see(sample.area_code):
        return False
    if not reads_only_own_unit(principal):
        return True
    own = own_unit_id(principal)
    return own is not None and sample.unit_id == own


async def readable_sample(
    session: AsyncSession, principal: Principal, sample_id: uuid.UUID
) -> SurveySample:
    """The sample, or a 404 when it does not exist or the caller may not see it."""
    sample = await repository.get_sample(session, sample_id)
    if sample is None or not can_read_sample(principal, sample):
        raise not_found("survey sample")
    return sample


def scoped(principal: Principal, f: SampleFilter) -> SampleFilter | None:
    """`f` narrowed to what the caller may see; None when that is nothing."""
    if not reads_only_own_unit(principal):
        return f
    own = own_unit_id(principal)
    if own is None or (f.unit_id is not None and f.unit_id != own):
        return None
    return replace(f, unit_id=own)


async def list_samples(
    session: AsyncSession,
    principal: Principal,
    f: SampleFilter,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[SurveySample]:
    """The samples matching `f` that the caller may see."""
    visible = scoped(principal, f)
    if visible is None:
        return []
    return await repository.list_samples(session, visible, after=after, limit=limit)


async def pooled_rates(
    session: AsyncSession,
    principal: Principal,
    f: SampleFilter,
    *,
    area_code: str | None,
    awareness_threshold: float | None = None,
    participation_threshold: float | None = None,
) -> PooledRates:
    """Every visible sample matching `f` pooled into one awareness and one participation rate,
    each judged against its threshold when one is given (see `stats.assess_rate`)."""
    visible = scoped(principal, f)
    sums = await repository.totals(session, visible) if visible else repository.Totals(0, 0, 0, 0)
    awareness = estimate_rate(sums.asked, sums.aware)
    participation = estimate_rate(sums.asked, sums.participating)
    pooled = PooledRates(
        unit_id=f.unit_id,
        area_code=area_code,
        period_from=f.period_from,
        period_to=f.period_to,
        samples=sums.samples,
        awareness=RateOut.of(awareness),
        participation=RateOut.of(participation),
    )
    if awareness_threshold is not None:
        pooled.awareness_verdict = VerdictOut.of(
            assess_rate(sums.asked, sums.aware, awareness_threshold)
        )
    if participation_threshold is not None:
        pooled.participation_verdict = VerdictOut.of(
            assess_rate(sums.asked, sums.participating, participation_threshold)
        )
    return pooled


def present_sample(sample: SurveySample) -> SurveySampleOut:
    """The API shape of a sample, with its rates."""
    assert isinstance(sample.created_at, datetime)
    return SurveySampleOut(
        id=sample.id,
        unit_id=sample.unit_id,
        area_code=sample.area_code,
        round_id=sample.round_id,
        period_start=sample.period_start,
        period_end=sample.period_end,
        n_asked=sample.n_asked,
        n_aware=sample.n_aware,
        n_participating=sample.n_participating,
        method=sample.method,
        recorded_by=sample.recorded_by,
        created_at=sample.created_at,
        awareness=RateOut.of(estimate_rate(sample.n_asked, sample.n_aware)),
        participation=RateOut.of(estimate_rate(sample.n_asked, sample.n_participating)),
    )
