"""Delivery receipts (回执): the callbacks' secret, the providers' answers, and how a receipt
moves a delivery — forward only, once, by delivery key, provider id and number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from notify_api_rows import add_delivery, add_message, attempts, reread
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.channels.base import Receipt
from notify.messages.models import AttemptOutcome, Delivery, DeliveryState
from notify.receipts.providers import admits
from notify.receipts.service import apply_receipts
from notify.tables import infrastructure
from pingan_shared.contracts.messages import Channel

ALIYUN_SECRET = "aliyun-callback-0f1e2d3c4b5a69788796a5b4"
TENCENT_SECRET = "tencent-callback-9a8b7c6d5e4f30211203f4e5"
ALIYUN_URL = f"/v1/receipts/aliyun?token={ALIYUN_SECRET}"
TENCENT_URL = f"/v1/receipts/tencent?token={TENCENT_SECRET}"
ALIYUN_REPLY = '{"code":0,"msg":"接收成功"}'.encode()
TENCENT_REPLY = b'{"result":0,"errmsg":"OK"}'
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def secrets(app_and_client: tuple[FastAPI, httpx.AsyncClient]) -> Iterator[None]:
    """The app with both callbacks' secrets configured, for one test."""
    app = app_and_client[0]
    # Put back by hand: monkeypatch's undo deletes the attributes of Starlette's `State`.
    original = app.state.settings
    app.state.settings = original.model_copy(
        update={
            "aliyun_receipt_secret": SecretStr(ALIYUN_SECRET),
            "tencent_receipt_secret": SecretStr(TENCENT_SECRET),
        }
    )
    try:
        yield
    finally:
        app.state.settings = original


def aliyun_report(
    biz_id: str, *, out_id: str = "", success: bool = True, code: str = "DELIVERED", **more: Any
) -> dict[str, Any]:
    """One SmsReport entry as Aliyun documents it."""
    return {
        "phone_number": "13800001111",
        "send_time": "2026-11-28 21:30:00",
        "report_time": "2026-11-28 21:30:04",
        "success": success,
        "err_code": code,
        "err_msg": "用户接收成功" if success else "空号",
        "sms_size": "1",
        "biz_id": biz_id,
        "out_id": out_id,
        **more,
    }


def tencent_report(sid: str, *, success: bool = True, code: str = "DELIVRD") -> dict[str, Any]:
    """One receipt of Tencent's callback as Tencent documents it."""
    return {
        "user_receive_time": "2026-11-28 21:30:05",
        "nationcode": "86",
        "mobile": "13800001111",
        "report_status": "SUCCESS" if success else "FAIL",
        "errmsg": code,
        "description": "用户短信送达成功" if success else "关机",
        "sid": sid,
    }


async def post(client: httpx.AsyncClient, url: str, reports: Any) -> httpx.Response:
    return await client.post(url, content=json.dumps(reports, ensure_ascii=False).encode())


@pytest.mark.parametrize("url", ["/v1/receipts/aliyun", "/v1/receipts/tencent"])
@pytest.mark.parametrize("token", [None, "", "anything"])
async def test_a_callback_without_a_configured_secret_does_not_exist(
    client: httpx.AsyncClient, url: str, token: str | None
) -> None:
    params = {} if token is None else {"token": token}
    response = await client.post(url, params=params, content=b"[]")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.usefixtures("secrets")
@pytest.mark.parametrize(
    "url",
    [
        "/v1/receipts/aliyun",
        "/v1/receipts/aliyun?token=",
        f"/v1/receipts/aliyun?token={ALIYUN_SECRET}x",
        f"/v1/receipts/aliyun?token={TENCENT_SECRET}",  # the other provider's secret
        f"/v1/receipts/tencent?token={ALIYUN_SECRET}",
    ],
)
async def test_a_wrong_or_missing_token_is_404_and_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, url: str
) -> None:
    delivery = await add_delivery(session, await add_message(session), provider_message_id="b1")
    report = aliyun_report("b1", out_id=delivery.id.hex)
    response = await post(client, url, [report])

    assert response.status_code == 404
    problem = response.json()
    assert problem["instance"] in ("/v1/receipts/aliyun", "/v1/receipts/tencent")
    assert ALIYUN_SECRET not in response.text
    assert TENCENT_SECRET not in response.text
    assert (await reread(session, delivery.id)).state == DeliveryState.sent


def test_the_token_is_compared_whole() -> None:
    secret = SecretStr(ALIYUN_SECRET)
    assert admits(secret, ALIYUN_SECRET)
    assert not admits(secret, ALIYUN_SECRET[:-1])
    assert not admits(secret, None)
    assert not admits(SecretStr(""), "")
    assert not admits(None, "")


@pytest.mark.usefixtures("secrets")
async def test_an_aliyun_receipt_delivers_by_our_delivery_key_and_answers_as_aliyun_expects(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    delivery = await add_delivery(session, await add_message(session), provider_message_id="b1")
    response = await post(client, ALIYUN_URL, [aliyun_report("b1", out_id=delivery.id.hex)])

    assert response.status_code == 200
    assert response.content == ALIYUN_REPLY
    settled = await reread(session, delivery.id)
    assert settled.state == DeliveryState.delivered
    assert settled.delivered_at == datetime(2026, 11, 28, 21, 30, 4, tzinfo=SHANGHAI)
    history = await attempts(session, delivery.id)
    assert [(a.outcome, a.provider_code, a.note) for a in history] == [
        (AttemptOutcome.sent, "DELIVERED", "delivery receipt")
    ]


@pytest.mark.usefixtures("secrets")
async def test_a_failed_receipt_fails_the_delivery_for_good_with_its_code(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    delivery = await add_delivery(session, await add_message(session), provider_message_id="b2")
    report = aliyun_report(
        "b2", out_id=delivery.id.hex, success=False, code="MOBILE_NOT_ON_SERVICE"
    )
    response = await post(client, ALIYUN_URL, [report])

    assert response.content == ALIYUN_REPLY
    settled = await reread(session, delivery.id)
    assert (settled.state, settled.failure, settled.last_error) == (
        DeliveryState.failed,
        "permanent",
        "MOBILE_NOT_ON_SERVICE",
    )
    assert settled.delivered_at is None
    [attempt] = await attempts(session, delivery.id)
    assert (attempt.outcome, attempt.failure) == (AttemptOutcome.failed, "permanent")


@pytest.mark.usefixtures("secrets")
async def test_a_tencent_receipt_joins_on_the_serial_no(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session)
    reached = await add_delivery(
        session, message, channel=Channel.tencent_sms, provider_message_id="2640:0001"
    )
    missed = await add_delivery(
        session,
        message,
        index=1,
        target="13900002222",
        channel=Channel.tencent_sms,
        provider_message_id="2640:0002",
    )
    response = await post(
        client,
        TENCENT_URL,
        [tencent_report("2640:0001"), tencent_report("2640:0002", success=False, code="MK:0005")],
    )

    assert response.status_code == 200
    assert response.content == TENCENT_REPLY
    assert (await reread(session, reached.id)).state == DeliveryState.delivered
    failed = await reread(session, missed.id)
    assert (failed.state, failed.last_error) == (DeliveryState.failed, "MK:0005")


@pytest.mark.usefixtures("secrets")
async def test_a_push_applied_twice_settles_each_delivery_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    delivery = await add_delivery(session, await add_message(session), provider_message_id="b3")
    push = [aliyun_report("b3", out_id=delivery.id.hex)]
    first = await post(client, ALIYUN_URL, push)
    again = await post(client, ALIYUN_URL, push)

    assert first.content == again.content == ALIYUN_REPLY
    assert len(await attempts(session, delivery.id)) == 1
    assert (await reread(session, delivery.id)).state == DeliveryState.delivered


@pytest.mark.parametrize(
    ("state", "delivered"),
    [
        (DeliveryState.delivered, False),
        (DeliveryState.failed, True),
        (DeliveryState.dead, True),
        (DeliveryState.expired, True),
    ],
)
async def test_a_settled_delivery_never_moves(
    session: AsyncSession, state: DeliveryState, delivered: bool
) -> None:
    delivery = await add_delivery(
        session, await add_message(session), state=state, provider_message_id="b4"
    )
    receipt = Receipt(provider_id="b4", delivery_key=None, delivered=delivered, code="X")
    outcome = await apply_receipts(session, Channel.aliyun_sms, [receipt])

    assert (outcome.unchanged, outcome.delivered, outcome.failed) == (1, (), ())
    assert (await reread(session, delivery.id)).state == state
    assert await attempts(session, delivery.id) == []


async def test_a_receipt_before_the_send_was_recorded_is_handed_back_as_early(
    session: AsyncSession,
) -> None:
    delivery = await add_delivery(session, await add_message(session), state=DeliveryState.sending)
    receipt = Receipt(provider_id="b5", delivery_key=delivery.id.hex, delivered=True, code="OK")
    outcome = await apply_receipts(session, Channel.aliyun_sms, [receipt, receipt])

    assert outcome.early == (delivery.id,)
    assert (await reread(session, delivery.id)).state == DeliveryState.sending


async def test_unknown_receipts_are_counted_and_ignored(session: AsyncSession) -> None:
    tencent = await add_delivery(
        session, await add_message(session), channel=Channel.tencent_sms, provider_message_id="s1"
    )
    receipts = [
        Receipt(provider_id="nobody", delivery_key=None, delivered=True, code="DELIVERED"),
        # Another channel's delivery, even by its own id, is not this channel's.
        Receipt(provider_id="s1", delivery_key=tencent.id.hex, delivered=True, code="DELIVERED"),
    ]
    outcome = await apply_receipts(session, Channel.aliyun_sms, receipts)

    assert (outcome.unknown, outcome.delivered) == (2, ())
    assert (await reread(session, tencent.id)).state == DeliveryState.sent


async def test_a_batch_sharing_one_provider_id_is_told_apart_by_the_number(
    session: AsyncSession,
) -> None:
    message = await add_message(session)
    first = await add_delivery(session, message, provider_message_id="batch-1")
    second = await add_delivery(
        session, message, index=1, target="13900002222", provider_message_id="batch-1"
    )
    receipts = [
        Receipt("batch-1", "batch-abc", delivered=True, code="DELIVERED", phone="13800001111"),
        Receipt("batch-1", "batch-abc", delivered=False, code="EMPTY", phone="+8613900002222"),
    ]
    outcome = await apply_receipts(session, Channel.aliyun_sms, receipts)

    assert (outcome.delivered, outcome.failed) == ((first.id,), (second.id,))
    assert (await reread(session, first.id)).state == DeliveryState.delivered
    assert (await reread(session, second.id)).state == DeliveryState.failed


async def test_a_batch_receipt_without_a_number_is_not_guessed(session: AsyncSession) -> None:
    message = await add_message(session)
    first = await add_delivery(session, message, provider_message_id="batch-2")
    await add_delivery(
        session, message, index=1, target="13900002222", provider_message_id="batch-2"
    )
    receipt = Receipt("batch-2", "batch-abc", delivered=False, code="EMPTY")
    outcome = await apply_receipts(session, Channel.aliyun_sms, [receipt])

    assert (outcome.unknown, outcome.failed) == (1, ())
    assert (await reread(session, first.id)).state == DeliveryState.sent


@pytest.mark.usefixtures("secrets")
@pytest.mark.parametrize("body", [b"not json", b'{"biz_id": "b6"}', b"[1, 2]", b""])
async def test_a_malformed_push_is_answered_so_the_provider_stops_resending_it(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(ALIYUN_URL, content=body)
    assert (response.status_code, response.content) == (200, ALIYUN_REPLY)


@pytest.mark.usefixtures("secrets")
async def test_one_unreadable_report_does_not_cost_the_others_their_receipts(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    delivery = await add_delivery(
        session, await add_message(session), channel=Channel.tencent_sms, provider_message_id="s2"
    )
    push = [{"sid": "s9", "report_status": "MAYBE"}, tencent_report("s2")]
    response = await post(client, TENCENT_URL, push)

    assert response.content == TENCENT_REPLY
    assert (await reread(session, delivery.id)).state == DeliveryState.delivered


async def test_the_outcome_names_the_failed_deliveries_for_a_fallback(
    session: AsyncSession,
) -> None:
    message = await add_message(session)
    failed = await add_delivery(session, message, provider_message_id="b7")
    delivered = await add_delivery(
        session, message, index=1, target="13900002222", provider_message_id="b8"
    )
    outcome = await apply_receipts(
        session,
        Channel.aliyun_sms,
        [
            Receipt("b7", failed.id.hex, delivered=False, code="BLACKLIST"),
            Receipt("b8", delivered.id.hex, delivered=True, code="DELIVERED"),
        ],
    )
    assert (outcome.failed, outcome.delivered) == ((failed.id,), (delivered.id,))


@pytest.mark.usefixtures("secrets")
async def test_an_undelivered_sms_is_tried_on_the_next_channel(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(
        session,
        recipients=[{"name": "李警官", "phone": "13800001111", "wecom_user_id": "li.jing"}],
        channels=["aliyun_sms", "wecom_app"],
    )
    delivery = await add_delivery(session, message, provider_message_id="b9")
    report = aliyun_report(
        "b9", out_id=delivery.id.hex, success=False, code="MOBILE_NOT_ON_SERVICE"
    )
    assert (await post(client, ALIYUN_URL, [report])).content == ALIYUN_REPLY

    rows = (
        await session.execute(select(Delivery).where(col(Delivery.fallback_from) == delivery.id))
    ).scalars()
    [fallback] = list(rows)
    # Tencent, the other SMS provider, comes next; unconfigured in the tests, it goes to the log.
    assert (fallback.state, fallback.channel) == (DeliveryState.queued, Channel.log)
    jobs = (await session.execute(select(infrastructure.outbox.c.payload))).scalars().all()
    assert {"message_id": str(message.id)} in jobs
