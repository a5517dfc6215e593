"""Queries on deliveries across messages: filtered pages, their attempts, counts per state and
channel."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.deliveries.filters import DeliveryFilter
from notify.messages.models import Delivery, DeliveryAttempt, DeliveryState, Message
from pingan_shared.contracts.messages import Channel, Priority
from pingan_shared.pagination import time_and_id


class Order(StrEnum):
    """Which time a list is sorted by, newest first, and its period filters."""

    created = "created_at"  # when the delivery was recorded
    updated = "updated_at"  # when it last changed: for dead letters, when it was given up


@dataclass(frozen=True, slots=True)
class Listed:
    """A delivery and what a list shows of its message."""

    delivery: Delivery
    template: str
    priority: Priority
    source: str | None


def stamp_of(delivery: Delivery, order: Order) -> datetime:
    """The time a delivery is sorted by in a list of this `order`."""
    value = delivery.created_at if order is Order.created else delivery.updated_at
    assert isinstance(value, datetime)
    return value


def conditions(wanted: DeliveryFilter, order: Order = Order.created) -> list[ColumnElement[bool]]:
    """The WHERE of `wanted`; it names `messages.source`, so the query joins the message."""
    stamp = col(getattr(Delivery, order.value))
    where: list[ColumnElement[bool]] = []
    if wanted.states:
        where.append(col(Delivery.state).in_(wanted.states))
    if wanted.channels:
        where.append(col(Delivery.channel).in_(wanted.channels))
    if wanted.target is not None:
        where.append(col(Delivery.target) == wanted.target)
    if wanted.source is not None:
        where.append(col(Message.source) == wanted.source)
    if wanted.since is not None:
        where.append(stamp >= wanted.since)
    if wanted.until is not None:
        where.append(stamp < wanted.until)
    return where


def _listed_query() -> Select[Delivery, str, Priority, str | None]:
    return select(Delivery, col(Message.template), col(Message.priority), col(Message.source)).join(
        Message, col(Message.id) == col(Delivery.message_id)
    )


async def get_listed(session: AsyncSession, delivery_id: uuid.UUID) -> Listed | None:
    """One delivery as lists show it, read afresh (a statement may have just changed it)."""
    query = _listed_query().where(col(Delivery.id) == delivery_id)
    row = (await session.execute(query.execution_options(populate_existing=True))).first()
    return None if row is None else Listed(*row)


async def list_deliveries(
    session: AsyncSession,
    wanted: DeliveryFilter,
    *,
    order: Order,
    after: Sequence[Any] | None,
    limit: int,
) -> list[Listed]:
    """Deliveries matching `wanted`, newest first by `order`, after the previous page's key."""
    stamp = col(getattr(Delivery, order.value))
    query = (
        _listed_query()
        .where(*conditions(wanted, order))
        .order_by(stamp.desc(), col(Delivery.id).desc())
        .limit(limit)
    )
    if after is not None:
        last_stamp, last_id = time_and_id(after)
        query = query.where(tuple_(stamp, col(Delivery.id)) < tuple_(last_stamp, last_id))
    rows = (await session.execute(query)).all()
    return [
        Listed(delivery, template, priority, source)
        for delivery, template, priority, source in rows
    ]


async def attempts_of(
    session: AsyncSession, delivery_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[DeliveryAttempt]]:
    """The attempts of each delivery, oldest first."""
    history: dict[uuid.UUID, list[DeliveryAttempt]] = {d: [] for d in delivery_ids}
    if not delivery_ids:
        return history
    result = await session.execute(
        select(DeliveryAttempt)
        .where(col(DeliveryAttempt.delivery_id).in_(delivery_ids))
        .order_by(col(DeliveryAttempt.at), col(DeliveryAttempt.id))
    )
    for attempt in result.scalars():
        history[attempt.delivery_id].append(attempt)
    return history


async def counts(
    session: AsyncSession, since: datetime, until: datetime, source: str | None
) -> list[tuple[DeliveryState, Channel, int]]:
    """How many deliveries recorded in [since, until) are in each state on each channel."""
    query = (
        select(col(Delivery.state), col(Delivery.channel), func.count())
        .where(col(Delivery.created_at) >= since, col(Delivery.created_at) < until)
        .group_by(col(Delivery.state), col(Delivery.channel))
        .order_by(col(Delivery.state), col(Delivery.channel))
    )
    if source is not None:
        query = query.join(Message, col(Message.id) == col(Delivery.message_id)).where(
            col(Message.source) == source
        )
    return [(state, channel, n) for state, channel, n in (await session.execute(query)).all()]
