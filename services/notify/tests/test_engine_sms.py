"""The delivery engine with an SMS provider (the local Aliyun fake): a lost answer is settled by
asking Aliyun before sending again, a critical SMS without a receipt falls back to the other SMS
provider, and permanent refusals are not retried."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import ArqRedis
from fastapi import FastAPI
from httpx import AsyncClient
from notify_factories import PHONE, payload
from notify_fake_aliyun import (  # noqa: F401  (fixtures)
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    PROVIDER_TEMPLATES,
    SIGN_NAME,
    FakeAliyunSms,
    aliyun_fixture,
    fake_aliyun_fixture,
)
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from notify.channels import open_senders
from notify.config import NotifySettings
from notify.jobs import check_receipts, deliver_message, send_message
from notify.messages.delivery import Dispatcher
from notify.messages.models import Delivery, DeliveryAttempt, DeliveryState
from pingan_shared.contracts.messages import Channel

POLICE = [{"name": "李警官", "phone": PHONE}]


@pytest.fixture
async def sms_ctx(
    app_and_client: tuple[FastAPI, AsyncClient],
    connection: AsyncConnection,
    settings: NotifySettings,
    aliyun: FakeAliyunSms,
    queue: ArqRedis,
) -> AsyncIterator[dict[str, Any]]:
    """A job context whose dispatcher sends SMS through the fake Aliyun (1 s timeout)."""
    configured = settings.model_copy(
        update={
            "aliyun_sms_base_url": aliyun.url,
            "aliyun_access_key_id": ACCESS_KEY_ID,
            "aliyun_access_key_secret": SecretStr(ACCESS_KEY_SECRET),
            "aliyun_sign_name": SIGN_NAME,
            "aliyun_sms_templates": PROVIDER_TEMPLATES,
            "provider_timeout_seconds": 1.0,
            "receipt_wait_minutes": 0.0,
        }
    )
    async with open_senders(configured) as senders:
        dispatcher = Dispatcher(
            database=app_and_client[0].state.database, senders=senders, settings=configured
        )
        yield {"dispatcher": dispatcher, "redis": queue, "job_try": 1}


async def deliveries(session: AsyncSession) -> list[Delivery]:
    """The deliveries, each fallback after the one it falls back from."""
    result = await session.execute(
        select(Delivery).execution_options(populate_existing=True)  # the worker changed them
    )
    return sorted(result.scalars(), key=lambda d: d.fallback_from is not None)


def sms(**overrides: Any) -> dict[str, Any]:
    return payload(recipients=POLICE, channels=["aliyun_sms"], **overrides)


async def make_due(session: AsyncSession) -> None:
    await session.execute(text("UPDATE deliveries SET not_before = now() - interval '1 s'"))


async def test_an_sms_is_sent_with_our_delivery_key(
    sms_ctx: dict[str, Any], aliyun: FakeAliyunSms, session: AsyncSession
) -> None:
    result = await send_message(sms_ctx, sms())

    assert result["sent"] == 1
    [delivery] = await deliveries(session)
    [sent] = aliyun.sent
    assert (sent.phone, sent.out_id) == (PHONE, delivery.id.hex)
    assert delivery.provider_message_id == sent.biz_id


async def test_a_lost_answer_is_settled_by_asking_not_by_sending_again(
    sms_ctx: dict[str, Any], aliyun: FakeAliyunSms, session: AsyncSession
) -> None:
    aliyun.hang_next(1, seconds=3)  # Aliyun sends it; its answer never arrives in time
    first = await send_message(sms_ctx, sms())
    assert first["queued"] == 1
    [delivery] = await deliveries(session)
    assert (delivery.failure, delivery.check_status) == ("ambiguous", True)

    await make_due(session)
    second = await deliver_message(sms_ctx, {"message_id": str(delivery.message_id)})

    assert second["sent"] == 1
    assert len(aliyun.sent) == 1  # sent once, found by QuerySendDetails
    assert [r["action"] for r in aliyun.requests] == ["SendSms", "QuerySendDetails"]
    notes = (await session.execute(select(DeliveryAttempt.note).order_by("id"))).scalars()
    assert list(notes)[-1] == "asked the provider first"


async def test_an_illegal_number_is_not_retried_but_tried_on_the_other_provider(
    sms_ctx: dict[str, Any], aliyun: FakeAliyunSms, session: AsyncSession
) -> None:
    aliyun.fail_next(1, "isv.MOBILE_NUMBER_ILLEGAL")
    result = await send_message(sms_ctx, sms())

    assert result["failed"] == 1
    refused, fallback = await deliveries(session)
    assert refused.failure == "permanent"
    assert refused.last_error is not None
    assert refused.last_error.startswith("isv.MOBILE_NUMBER_ILLEGAL")
    assert (fallback.state, fallback.fallback_from) == (DeliveryState.queued, refused.id)
    assert [r["action"] for r in aliyun.requests] == ["SendSms"]


async def test_a_system_error_is_retried(
    sms_ctx: dict[str, Any], aliyun: FakeAliyunSms, session: AsyncSession
) -> None:
    aliyun.fail_next(1, "isp.SYSTEM_ERROR")
    assert (await send_message(sms_ctx, sms()))["queued"] == 1
    await make_due(session)
    [delivery] = await deliveries(session)
    assert (await deliver_message(sms_ctx, {"message_id": str(delivery.message_id)}))["sent"] == 1
    assert len(aliyun.sent) == 1


async def test_a_critical_sms_without_a_receipt_falls_back_to_the_other_provider(
    sms_ctx: dict[str, Any], aliyun: FakeAliyunSms, session: AsyncSession
) -> None:
    first = await send_message(sms_ctx, sms(priority="critical"))
    assert first["sent"] == 1
    [delivery] = await deliveries(session)

    checked = await check_receipts(sms_ctx, {"message_id": str(delivery.message_id)})

    assert checked["fallbacks"] == 1
    aliyun_sms, fallback = await deliveries(session)
    # Tencent is not configured in the tests: in development it is delivered through the log.
    assert (fallback.channel, fallback.state, fallback.fallback_from) == (
        Channel.log,
        DeliveryState.sent,
        aliyun_sms.id,
    )


async def test_a_delivered_sms_needs_no_fallback(
    sms_ctx: dict[str, Any], aliyun: FakeAliyunSms, session: AsyncSession
) -> None:
    await send_message(sms_ctx, sms(priority="critical"))
    await session.execute(text("UPDATE deliveries SET state = 'delivered'"))
    [delivery] = await deliveries(session)
    checked = await check_receipts(sms_ctx, {"message_id": str(delivery.message_id)})
    assert checked["fallbacks"] == 0
