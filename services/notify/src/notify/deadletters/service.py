"""Re-driving (重新投递) dead and failed deliveries: queued again, their messages' delivery job
written to the outbox in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from notify.deadletters import repository
from notify.deadletters.repository import REDRIVABLE, Requeued
from notify.deliveries.filters import DeliveryFilter
from notify.jobs import DELIVER_MESSAGE_JOB
from notify.messages.models import DeliveryState
from notify.tables import infrastructure
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, not_found
from pingan_shared.outbox import add_job
from pingan_shared.queue import NOTIFY_QUEUE

log = structlog.get_logger(__name__)


def redrive_note(principal: Principal) -> str:
    """What a re-drive records in the delivery's history."""
    return f"redriven by {principal.sub}"


async def redrive_one(session: AsyncSession, delivery_id: uuid.UUID, principal: Principal) -> None:
    """Queue one dead or failed delivery again; 404 when there is none, 409 when its state, a
    missing address or a live fallback on another channel forbids it."""
    found = await repository.lock_for_redrive(session, delivery_id)
    if found is None:
        raise not_found("delivery")
    state, has_target, taken_over = found
    if state not in REDRIVABLE:
        raise ProblemError(
            409,
            "not-redrivable",
            f"only a dead or failed delivery can be re-driven; this one is {state.value}",
        )
    if not has_target:
        raise ProblemError(409, "not-redrivable", "this delivery has no address on its channel")
    if taken_over:
        # The message already went (or is going) out on another channel: sending here too
        # would reach the recipient twice.
        raise ProblemError(
            409,
            "not-redrivable",
            "another delivery of this message to the recipient is under way or done",
        )
    requeued = await repository.requeue(session, [delivery_id], redrive_note(principal))
    await _queue_jobs(session, requeued)


async def redrive_dead_letters(
    session: AsyncSession, wanted: DeliveryFilter, limit: int, principal: Principal
) -> tuple[int, int]:
    """Queue again the newest dead letters matching `wanted`, at most `limit`; returns how many
    deliveries and how many messages."""
    dead_only = replace(wanted, states=(DeliveryState.dead,))
    chosen = repository.dead_letters_to_redrive(dead_only, limit)
    requeued = await repository.requeue(session, chosen, redrive_note(principal))
    messages = await _queue_jobs(session, requeued)
    log.info("dead_letters_redriven", deliveries=len(requeued), messages=messages, by=principal.sub)
    return len(requeued), messages


async def _queue_jobs(session: AsyncSession, requeued: Iterable[Requeued]) -> int:
    """One `deliver_message` job per message, through the outbox: it reaches Redis only once
    this transaction commits, under the outbox row's own id, so each re-drive is a new job."""
    messages = {row.message_id: row.priority for row in requeued}
    for message_id in sorted(messages):
        await add_job(
            session,
            infrastructure.outbox,
            queue=NOTIFY_QUEUE,
            job=DELIVER_MESSAGE_JOB,
            payload={"message_id": str(message_id), "priority": messages[message_id].value},
        )
    return len(messages)
