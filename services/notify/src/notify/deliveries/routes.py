"""`GET /v1/deliveries` and `GET /v1/deliveries/counts`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends

from notify.deliveries import repository
from notify.deliveries.filters import (
    DeliveryFilter,
    Since,
    Source,
    Until,
    checked_period,
    delivery_filter,
)
from notify.deliveries.presenter import page_of
from notify.deliveries.repository import Order
from notify.deliveries.schemas import DeliveryCounts, DeliveryRow, StateChannelCount
from notify.deps import ReaderDep
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])
DEFAULT_PERIOD = timedelta(days=1)


@router.get(
    "",
    name="deliveries_list",
    summary="List deliveries (投递列表)",
    response_model=Page[DeliveryRow],
    responses=problem_responses(401, 403, 422),
)
async def list_deliveries(
    session: SessionDep,
    principal: ReaderDep,
    paging: Annotated[PageParams, Depends(page_params)],
    wanted: Annotated[DeliveryFilter, Depends(delivery_filter)],
) -> Page[DeliveryRow]:
    """Deliveries of every message, newest first, narrowed by state, channel, recipient, the
    message's source and when they were recorded (`from` inclusive, `to` exclusive).

    Addresses are shown masked whatever `recipient` asked for.
    """
    listed = await repository.list_deliveries(
        session, wanted, order=Order.created, after=paging.after, limit=paging.limit + 1
    )
    return page_of(listed, paging.limit, Order.created)


@router.get(
    "/counts",
    name="deliveries_counts",
    summary="Count deliveries per state and channel (投递统计)",
    response_model=DeliveryCounts,
    responses=problem_responses(401, 403, 422),
)
async def count_deliveries(
    session: SessionDep,
    principal: ReaderDep,
    source: Source = None,
    since: Since = None,
    until: Until = None,
) -> DeliveryCounts:
    """How many deliveries recorded in [from, to) are in each state on each channel; the period
    defaults to the last day."""
    end = until or datetime.now(UTC)
    start = since or end - DEFAULT_PERIOD
    checked_period(start, end)
    rows = await repository.counts(session, start, end, source)
    return DeliveryCounts(
        period_from=start,
        period_to=end,
        source=source,
        total=sum(n for _, _, n in rows),
        counts=[StateChannelCount(state=s, channel=c, count=n) for s, c, n in rows],
    )
