"""Re-driving deliveries: back to `queued` with a fresh count of tries, in one statement each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from notify.deliveries.filters import DeliveryFilter
from notify.deliveries.repository import Order, conditions
from notify.messages.models import AttemptOutcome, Delivery, DeliveryAttempt, DeliveryState, Message
from pingan_shared.contracts.messages import Priority

REDRIVABLE = (DeliveryState.dead, DeliveryState.failed)
# Another delivery of the message to the same recipient in one of these states (a fallback on
# another channel, or one further down the chain) has the message in hand.
LIVE = (DeliveryState.queued, DeliveryState.sending, DeliveryState.sent, DeliveryState.delivered)
NOTE_LIMIT = 200


def taken_over() -> ColumnElement[bool]:
    """True for a delivery whose recipient another channel is reaching with the same message:
    re-driving it would send the message twice."""
    other = aliased(Delivery)
    return exists().where(
        col(other.message_id) == col(Delivery.message_id),
        col(other.recipient_index) == col(Delivery.recipient_index),
        col(other.id) != col(Delivery.id),
        col(other.state).in_(LIVE),
    )


async def lock_for_redrive(
    session: AsyncSession, delivery_id: uuid.UUID
) -> tuple[DeliveryState, bool, bool] | None:
    """(state, has a target, taken over) of a delivery, locked until the transaction ends; None
    when there is no such delivery."""
    row = (
        await session.execute(
            select(col(Delivery.state), col(Delivery.target).is_not(None), taken_over())
            .where(col(Delivery.id) == delivery_id)
            .with_for_update(of=Delivery)
        )
    ).first()
    return None if row is None else (row[0], bool(row[1]), bool(row[2]))


def dead_letters_to_redrive(wanted: DeliveryFilter, limit: int) -> Select[uuid.UUID]:
    """The newest dead letters matching `wanted` that can be re-driven, at most `limit`; rows
    another transaction holds are skipped, so two bulk re-drives never take the same one."""
    return (
        select(col(Delivery.id))
        .join(Message, col(Message.id) == col(Delivery.message_id))
        .where(
            *conditions(wanted, Order.updated),
            col(Delivery.target).is_not(None),
            ~taken_over(),
        )
        .order_by(col(Delivery.updated_at).desc(), col(Delivery.id).desc())
        .limit(limit)
        .with_for_update(of=Delivery, skip_locked=True)
    )


@dataclass(frozen=True, slots=True)
class Requeued:
    """A delivery queued again, and its message's id and priority (for the message's job)."""

    delivery_id: uuid.UUID
    message_id: uuid.UUID
    priority: Priority


async def requeue(
    session: AsyncSession,
    chosen: Sequence[uuid.UUID] | Select[uuid.UUID],
    note: str,
) -> list[Requeued]:
    """Move the chosen dead or failed deliveries back to `queued` with no tries counted and no
    wait, and record the re-drive in each one's history."""
    result = await session.execute(
        update(Delivery)
        .where(
            col(Delivery.id).in_(chosen),
            col(Delivery.state).in_(REDRIVABLE),
            col(Message.id) == col(Delivery.message_id),
        )
        .values(
            state=DeliveryState.queued,
            attempts=0,
            not_before=None,
            deferred_reason=None,
            failure=None,
            lease_until=None,
            updated_at=func.now(),
        )
        .returning(col(Delivery.id), col(Delivery.message_id), col(Message.priority))
        .execution_options(synchronize_session=False)
    )
    requeued = [Requeued(*row) for row in result.all()]
    if requeued:
        await session.execute(
            insert(DeliveryAttempt).values(
                [
                    {
                        "delivery_id": row.delivery_id,
                        "outcome": AttemptOutcome.retryable,
                        "note": note[:NOTE_LIMIT],
                    }
                    for row in requeued
                ]
            )
        )
    return requeued
