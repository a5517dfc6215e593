"""The delivery engine: quiet hours, opt-outs, fallback to the next channel, a job run twice, a
worker that died mid-send, frequency limits and digests, and priority in the queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from fastapi import FastAPI
from httpx import AsyncClient
from notify_factories import PHONE, ROBOT_KEY, payload
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from notify.channels import open_senders
from notify.config import NotifySettings
from notify.jobs import deliver_message, send_message, sweep
from notify.limits import RateLimiter, Rule
from notify.messages import engine
from notify.messages.delivery import Dispatcher
from notify.messages.models import Delivery, DeliveryAttempt, DeliveryState
from pingan_shared.contracts.messages import Channel, SendMessage
from pingan_shared.queue import queue_position
from pingan_shared.settings import business_timezone
from pingan_shared.testing.fake_wecom import FakeWeComRobot

ROBOT_AND_PHONE = [{"name": "李警官", "wecom_robot_key": ROBOT_KEY, "phone": PHONE}]
# SMS is not configured in the tests: in development it is delivered through the log.
BY_SMS = {"recipients": [{"name": "李警官", "phone": PHONE}], "channels": ["aliyun_sms"]}


async def deliveries(session: AsyncSession) -> list[Delivery]:
    """The deliveries, each fallback after the one it falls back from."""
    result = await session.execute(
        select(Delivery)
        .order_by("created_at", "message_id")
        .execution_options(populate_existing=True)  # the worker changed them meanwhile
    )
    return sorted(result.scalars(), key=lambda d: d.fallback_from is not None)


async def set_preference(session: AsyncSession, **values: Any) -> None:
    columns = {"address": PHONE, **values}
    names = ", ".join(columns)
    await session.execute(
        text(f"INSERT INTO recipient_preferences ({names}) VALUES (:{', :'.join(columns)})"),  # noqa: S608 - test data
        columns,
    )


def quiet_now() -> dict[str, Any]:
    """A quiet period around the present moment, in the business time zone."""
    local = datetime.now(business_timezone())
    return {
        "quiet_start": (local - timedelta(hours=1)).time().replace(microsecond=0),
        "quiet_end": (local + timedelta(hours=1)).time().replace(microsecond=0),
    }


async def test_routine_messages_wait_out_quiet_hours(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    await set_preference(session, **quiet_now())
    result = await send_message(ctx, payload(**BY_SMS))

    assert result["queued"] == 1
    [delivery] = await deliveries(session)
    assert (delivery.state, delivery.deferred_reason, delivery.attempts) == (
        DeliveryState.queued,
        "quiet_hours",
        0,
    )
    assert delivery.not_before is not None
    assert delivery.not_before > datetime.now(UTC) + timedelta(minutes=50)
    assert robot.calls == 0


async def test_critical_messages_go_in_quiet_hours_and_the_bypass_is_recorded(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    await set_preference(session, opt_out_routine=True, **quiet_now())
    result = await send_message(ctx, payload(**BY_SMS, priority="critical"))

    assert result["sent"] == 1
    [delivery] = await deliveries(session)
    assert (delivery.quiet_bypass, delivery.opt_out_override) == (True, True)


async def test_a_duty_group_robot_hears_of_incidents_at_any_hour(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    dispatcher: Dispatcher = ctx["dispatcher"]
    quiet = dispatcher.settings.model_copy(update=quiet_now())
    awake = Dispatcher(database=dispatcher.database, senders=dispatcher.senders, settings=quiet)
    result = await send_message(ctx | {"dispatcher": awake}, payload())

    assert result["sent"] == 1
    [delivery] = await deliveries(session)
    assert delivery.quiet_bypass is False
    assert len(robot.messages) == 1


async def test_an_opted_out_recipient_gets_no_routine_message(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    await set_preference(session, opt_out_routine=True)
    result = await send_message(ctx, payload(recipients=ROBOT_AND_PHONE))

    assert result["failed"] == 1
    [delivery] = await deliveries(session)
    assert delivery.deferred_reason == "opted_out"
    assert robot.calls == 0


async def test_a_permanent_failure_falls_back_to_the_next_channel(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    robot.fail_next(1, errcode=93000)  # invalid webhook URL: permanent
    body = payload(recipients=ROBOT_AND_PHONE, channels=["wecom_robot", "aliyun_sms"])
    first = await send_message(ctx, body)
    assert first["failed"] == 1

    robot_delivery, sms = await deliveries(session)
    assert (robot_delivery.state, robot_delivery.failure) == (DeliveryState.failed, "permanent")
    # SMS is not configured in the tests: in development it is delivered through the log.
    assert (sms.channel, sms.state, sms.fallback_from) == (
        Channel.log,
        DeliveryState.queued,
        robot_delivery.id,
    )
    second = await deliver_message(ctx, {"message_id": str(sms.message_id)})
    assert second["sent"] == 1
    await session.refresh(sms)
    assert sms.address == "138****1111"


async def test_a_job_run_twice_sends_once(
    ctx: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    first = await send_message(ctx, payload())
    again = await send_message(ctx, payload())
    [delivery] = await deliveries(session)
    more = await deliver_message(ctx, {"message_id": str(delivery.message_id)})

    assert first["sent"] == 1
    assert "sent" not in again
    assert "sent" not in more
    assert len(robot.messages) == 1


async def test_a_delivery_left_sending_by_a_dead_worker_is_taken_over(
    ctx: dict[str, Any],
    dispatcher: Dispatcher,
    robot: FakeWeComRobot,
    session: AsyncSession,
    queue: ArqRedis,
) -> None:
    message_id, _ = await dispatcher.accept(payload_model())
    async with dispatcher.database.transaction() as conn:
        [claimed] = await engine.claim_due(conn, message_id, lease=0.0)  # then the worker died
    assert robot.calls == 0

    assert await sweep(ctx) == 1  # the lease has run out: the sweep schedules a run
    [job] = await queue.queued_jobs()
    assert job.function == "deliver_message"
    result = await deliver_message(ctx, {"message_id": str(message_id)})

    assert result["sent"] == 1
    [delivery] = await deliveries(session)
    assert (delivery.id, delivery.state, delivery.attempts) == (claimed.id, DeliveryState.sent, 2)
    assert len(robot.messages) == 1
    [attempt] = (await session.execute(select(DeliveryAttempt))).scalars().all()
    assert attempt.note == "sent again: the earlier call's outcome is unknown"


def payload_model() -> SendMessage:
    return SendMessage.model_validate(payload())


@pytest.fixture
async def limited(
    app_and_client: tuple[FastAPI, AsyncClient],
    connection: AsyncConnection,
    settings: NotifySettings,
    queue: ArqRedis,
) -> AsyncIterator[dict[str, Any]]:
    """A job context whose dispatcher allows two robot messages a minute per robot."""
    limiter = RateLimiter(queue, {Channel.wecom_robot: [Rule(2, 60)]}, prefix="test:notify")
    async with open_senders(settings) as senders:
        dispatcher = Dispatcher(
            database=app_and_client[0].state.database,
            senders=senders,
            settings=settings,
            limiter=limiter,
        )
        yield {"dispatcher": dispatcher, "redis": queue, "job_try": 1}


async def test_routine_overflow_goes_out_later_as_one_digest(
    limited: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    for n in range(5):
        await send_message(limited, payload(message_key=f"m{n}", params=params(f"第{n}起")))
    assert len(robot.messages) == 2
    parked = [d for d in await deliveries(session) if d.state == DeliveryState.queued]
    assert [d.deferred_reason for d in parked] == ["digest"] * 3

    # The window reopens; the first parked delivery carries the other two.
    await limited["redis"].flushdb()
    await session.execute(text("UPDATE deliveries SET not_before = now() - interval '1 s'"))
    result = await deliver_message(limited, {"message_id": str(parked[0].message_id)})

    assert result["sent"] == 3
    assert len(robot.messages) == 3
    digest = robot.messages[-1]["body"]["markdown"]["content"]
    assert "您有 3 条通知" in digest
    assert all(f"第{n}起" in digest for n in (2, 3, 4))
    states = {d.id: (d.state, d.digest_id) for d in await deliveries(session)}
    assert {states[d.id] for d in parked} == {(DeliveryState.sent, parked[0].id)}


async def test_urgent_overflow_is_not_merged(
    limited: dict[str, Any], robot: FakeWeComRobot, session: AsyncSession
) -> None:
    for n in range(3):
        await send_message(limited, payload(message_key=f"u{n}", priority="urgent"))
    outcomes = sorted((d.state, d.deferred_reason or "") for d in await deliveries(session))
    assert outcomes == [
        (DeliveryState.queued, "rate_limit"),
        (DeliveryState.sent, ""),
        (DeliveryState.sent, ""),
    ]


def params(title: str) -> dict[str, str]:
    return {**payload()["params"], "title": title}


def test_urgent_and_critical_jobs_are_scored_ahead_of_routine_ones() -> None:
    now = datetime.now(UTC)
    assert queue_position("routine") is None
    urgent, critical = queue_position("urgent", now), queue_position("critical", now)
    assert urgent is not None
    assert critical is not None
    assert critical < urgent < now
