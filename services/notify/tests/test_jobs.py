"""The `send_message` job: record, route, send once, retry what is worth retrying."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from notify_factories import PHONE, ROBOT_KEY, payload, robot_and_police
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.jobs import RejectedJobError, deliver_message, send_message
from notify.messages.models import Delivery, DeliveryAttempt, DeliveryState, Message
from pingan_shared.contracts.messages import Channel
from pingan_shared.testing.fake_wecom import FakeWeComRobot


async def deliveries(session: AsyncSession) -> list[Delivery]:
    result = await session.execute(select(Delivery).order_by(col(Delivery.recipient_index)))
    return list(result.scalars())


async def count(session: AsyncSession, table: Any) -> int:
    return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_the_job_records_the_message_and_sends_through_the_robot(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    result = await send_message(ctx, robot_and_police())

    assert result["sent"] == 2
    [message] = (await session.execute(select(Message))).scalars().all()
    assert (message.message_key, message.source) == ("incident-reported:8b0f6a4e", "incidents")
    group, police = await deliveries(session)
    assert (group.channel, group.state, group.attempts) == (Channel.wecom_robot, "sent", 1)
    assert group.address.startswith("robot-key:")
    assert ROBOT_KEY not in group.address
    assert group.sent_at is not None
    # Someone with only a phone goes to the log channel until SMS channels exist.
    assert (police.channel, police.state, police.address) == (Channel.log, "sent", "138****1111")
    [received] = robot.messages
    assert received["key"] == ROBOT_KEY
    assert received["body"]["markdown"]["content"].startswith("**【平安】新警情** 南街社区")
    assert await count(session, DeliveryAttempt) == 2


async def test_a_job_run_twice_sends_once(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    await send_message(ctx, payload())
    second = await send_message(ctx, payload())

    assert len(robot.messages) == 1
    assert second == {"message_id": second["message_id"]}  # nothing left to send
    assert await count(session, Message) == 1
    assert await count(session, Delivery) == 1
    assert await count(session, DeliveryAttempt) == 1


async def test_an_errcode_inside_http_200_is_a_failure_not_retried(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    robot.fail_next(1, errcode=40058)
    result = await send_message(ctx, payload())

    assert result["failed"] == 1
    [delivery] = await deliveries(session)
    assert delivery.state == DeliveryState.failed
    assert delivery.sent_at is None
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("40058")
    [attempt] = (await session.execute(select(DeliveryAttempt))).scalars().all()
    assert (attempt.outcome, attempt.http_status, attempt.provider_code) == ("failed", 200, "40058")
    assert robot.messages == []


async def wait_until_due(session: AsyncSession, delivery: Delivery) -> None:
    """Sleep until the delivery's `not_before` (the test settings keep backoffs short)."""
    await session.refresh(delivery)
    assert delivery.not_before is not None
    await asyncio.sleep(max((delivery.not_before - datetime.now(UTC)).total_seconds(), 0) + 0.01)


async def test_a_frequency_limit_waits_without_using_up_tries(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession, queue: ArqRedis
) -> None:
    robot.fail_next(1)  # 45009: api freq out of limit
    first = await send_message(ctx, payload())
    assert first["queued"] == 1
    [delivery] = await deliveries(session)
    assert (delivery.state, delivery.attempts, delivery.failure) == (
        DeliveryState.queued,
        0,
        "quota",
    )
    [job] = await queue.queued_jobs()  # the next run, when the window reopens
    assert job.function == "deliver_message"

    await wait_until_due(session, delivery)
    result = await deliver_message(ctx, {"message_id": str(delivery.message_id)})

    assert result["sent"] == 1
    await session.refresh(delivery)
    assert (delivery.state, delivery.attempts) == (DeliveryState.sent, 1)
    assert len(robot.messages) == 1
    outcomes = (
        await session.execute(select(col(DeliveryAttempt.outcome)).order_by("id"))
    ).scalars()
    assert list(outcomes) == ["retryable", "sent"]


async def test_a_delivery_retried_to_the_limit_is_dead(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    robot.fail_next(3, errcode=-1)  # system busy: transient; the test settings allow 3 tries
    result = await send_message(ctx, payload())
    [delivery] = await deliveries(session)
    while result.get("queued"):
        await wait_until_due(session, delivery)
        result = await deliver_message(ctx, {"message_id": str(delivery.message_id)})

    assert result["dead"] == 1
    await session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.failure) == (
        DeliveryState.dead,
        3,
        "transient",
    )
    assert robot.messages == []


@pytest.mark.parametrize(
    "bad",
    [
        payload(version=2),
        payload(recipients=[]),
        payload(recipients=[{"name": "无地址"}]),
        payload(template="no_such_template"),
        payload(params={"area": "南街社区"}),
    ],
)
async def test_a_bad_payload_fails_without_retry_and_records_nothing(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession, bad: dict[str, Any]
) -> None:
    with pytest.raises(RejectedJobError):
        await send_message(ctx, bad)
    assert await count(session, Message) == 0
    assert robot.calls == 0


async def test_a_message_for_later_waits_in_the_queue(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession, queue: ArqRedis
) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    result = await send_message(ctx, payload(send_at=later.isoformat()))

    assert "scheduled_for" in result
    [delivery] = await deliveries(session)
    assert delivery.state == DeliveryState.queued
    [job] = await queue.queued_jobs()
    assert job.function == "deliver_message"
    assert job.score is not None
    assert job.score >= int(later.timestamp() * 1000) - 1000
    assert robot.calls == 0


async def test_a_recipient_no_configured_channel_reaches_is_recorded_as_failed(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    body = payload(
        recipients=[{"name": "李警官", "phone": PHONE}], channels=["wecom_robot", "wecom_app"]
    )
    await send_message(ctx, body)

    [delivery] = await deliveries(session)
    assert delivery.state == DeliveryState.failed
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("no_route")
    assert delivery.address == "138****1111"
    assert robot.calls == 0
