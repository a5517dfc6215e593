"""Queries on survey samples."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.surveys.models import SurveySample


@dataclass(frozen=True, slots=True)
class SampleFilter:
    """Which samples a list or a pooled rate covers: inside `prefixes` (the caller's areas),
    of one unit, of a round, and whose period lies within [period_from, period_to]."""

    prefixes: Sequence[str]
    unit_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    period_from: date | None = None
    period_to: date | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over samples."""

    samples: int
    asked: int
    aware: int
    participating: int


def _where(f: SampleFilter) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [
        or_(*[col(SurveySample.area_code).startswith(p) for p in f.prefixes])
    ]
    if f.unit_id is not None:
        conditions.append(col(SurveySample.unit_id) == f.unit_id)
    if f.round_id is not None:
        conditions.append(col(SurveySample.round_id) == f.round_id)
    if f.period_from is not None:
        conditions.append(col(SurveySample.period_start) >= f.period_from)
    if f.period_to is not None:
        conditions.append(col(SurveySample.period_end) <= f.period_to)
    return and_(*conditions)


async def add_sample(session: AsyncSession, sample: SurveySample) -> SurveySample:
    """Insert a sample and read back its server-set columns."""
    session.add(sample)
    await session.flush()
    await session.refresh(sample)
    return sample


async def get_sample(session: AsyncSession, sample_id: uuid.UUID) -> SurveySample | None:
    """One sample by id."""
    return await session.get(SurveySample, sample_id)


async def list_samples(
    session: AsyncSession,
    f: SampleFilter,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[SurveySample]:
    """Samples matching `f`, in the order they were recorded, after the cursor."""
    if not f.prefixes:
        return []
    query = select(SurveySample).where(_where(f))
    if after is not None:
        key = tuple_(col(SurveySample.created_at), col(SurveySample.id))
        query = query.where(key > tuple_(*after))
    query = query.order_by(col(SurveySample.created_at), col(SurveySample.id)).limit(limit)
    return list((await session.execute(query)).scalars())


async def totals(session: AsyncSession, f: SampleFilter) -> Totals:
    """How many samples match `f`, and their summed counts."""
    if not f.prefixes:
        return Totals(0, 0, 0, 0)
    query = select(
        func.count(),
        func.coalesce(func.sum(SurveySample.n_asked), 0),
        func.coalesce(func.sum(SurveySample.n_aware), 0),
        func.coalesce(func.sum(SurveySample.n_participating), 0),
    ).where(_where(f))
    samples, asked, aware, participating = (await session.execute(query)).one()
    return Totals(int(samples), int(asked), int(aware), int(participating))
