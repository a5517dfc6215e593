"""The engine's combined statements: a claim that reads its message, and recording outcomes that
answers when the rest of the message is due."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from notify_api_rows import add_delivery, add_message, attempts, reread
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages import engine
from notify.messages.engine import Outcome
from notify.messages.models import AttemptOutcome, DeliveryState
from pingan_shared.db import driver_connection


async def test_the_next_due_time_counts_the_outcomes_just_recorded_and_only_this_message(
    session: AsyncSession,
) -> None:
    now = datetime.now(UTC)
    message, other = await add_message(session), await add_message(session)
    # Claimed with a lease, as a run holds them: the lease ends before any new due time.
    leased = {"state": DeliveryState.sending, "lease_until": now + timedelta(minutes=2)}
    sent = await add_delivery(session, message, index=0, **leased)
    retried = await add_delivery(session, message, index=1, **leased)
    waiting = await add_delivery(
        session, message, state=DeliveryState.queued, index=2, not_before=now + timedelta(hours=1)
    )
    member = await add_delivery(session, other, state=DeliveryState.sending)
    conn = await driver_connection(session)

    due = await engine.finish_and_next_due(
        conn,
        message.id,
        [
            Outcome(sent.id, DeliveryState.sent, outcome=AttemptOutcome.sent),
            Outcome(
                retried.id,
                DeliveryState.queued,
                outcome=AttemptOutcome.retryable,
                not_before=now + timedelta(minutes=5),
            ),
            # Another message's delivery settled in the same statement (a digest member).
            Outcome(member.id, DeliveryState.queued, not_before=now + timedelta(minutes=1)),
        ],
    )

    assert due == now + timedelta(minutes=5)
    assert (await reread(session, sent.id)).state is DeliveryState.sent
    assert [a.outcome for a in await attempts(session, retried.id)] == [AttemptOutcome.retryable]
    assert (await reread(session, waiting.id)).state is DeliveryState.queued


async def test_a_message_with_everything_settled_has_no_next_due_time(
    session: AsyncSession,
) -> None:
    message = await add_message(session)
    delivery = await add_delivery(session, message, state=DeliveryState.sending)
    conn = await driver_connection(session)

    outcome = Outcome(delivery.id, DeliveryState.sent, outcome=AttemptOutcome.sent)
    assert await engine.finish_and_next_due(conn, message.id, [outcome]) is None


async def test_the_claim_reads_its_message_and_tells_a_missing_one_from_nothing_due(
    session: AsyncSession,
) -> None:
    message = await add_message(session)
    due = await add_delivery(session, message, state=DeliveryState.queued, index=0)
    await add_delivery(
        session,
        message,
        state=DeliveryState.queued,
        index=1,
        not_before=datetime.now(UTC) + timedelta(hours=1),
    )
    conn = await driver_connection(session)

    found = await engine.claim_with_message(conn, message.id, lease=60)
    assert found is not None
    read, claimed = found
    assert (read["id"], read["template"], read["priority"]) == (
        message.id,
        "generic_text",
        "routine",
    )
    assert [(c.id, c.attempts) for c in claimed] == [(due.id, 1)]

    again = await engine.claim_with_message(conn, message.id, lease=60)
    assert again == (read, [])
    assert await engine.claim_with_message(conn, uuid.uuid4(), lease=60) is None
