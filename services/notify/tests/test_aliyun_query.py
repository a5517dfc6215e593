"""Asking Aliyun about earlier sends (QuerySendDetails) and reading its delivery receipts
(SmsReport), against the local fake."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from notify_aliyun_channel import (  # noqa: F401  (fixtures)
    channel_fixture,
    client_fixture,
    make_channel,
    outgoing,
)
from notify_factories import PHONE
from notify_fake_aliyun import (  # noqa: F401  (fixtures)
    FakeAliyunSms,
    aliyun_fixture,
    fake_aliyun_fixture,
)

from notify.channels.aliyun_receipts import parse_receipts
from notify.channels.aliyun_sms import AliyunSmsChannel, send_date
from notify.channels.base import Failure
from pingan_shared.http import create_http_client


async def test_the_query_reports_delivered_failed_and_waiting(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    aliyun.set_outcome("13900002222", 2, "MK:0001")
    aliyun.set_outcome("13700003333", 1, "")
    sent_at = datetime.now(UTC)
    delivered, failed, waiting = (
        outgoing(p) for p in ("13800001111", "13900002222", "13700003333")
    )
    biz_ids = [(await channel.send(sms)).provider_id for sms in (delivered, failed, waiting)]
    ok = await channel.query(delivered, sent_at, biz_id=biz_ids[0])
    assert ok is not None
    assert (ok.ok, ok.provider_id, ok.code) == (True, biz_ids[0], "DELIVERED")
    assert aliyun.requests[-1]["params"]["BizId"] == biz_ids[0]
    bad = await channel.query(failed, sent_at)
    assert bad is not None
    assert (bad.ok, bad.failure, bad.code) == (False, Failure.permanent, "MK:0001")
    pending = await channel.query(waiting, sent_at)
    assert pending is not None
    assert (pending.ok, pending.code) == (True, "waiting_receipt")
    params = aliyun.requests[-1]["params"]
    assert (params["SendDate"], params["PageSize"], params["CurrentPage"]) == (
        send_date(sent_at),
        "50",
        "1",
    )


async def test_the_query_is_none_when_no_record_carries_our_key(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    await channel.send(outgoing())
    assert await channel.query(outgoing(), datetime.now(UTC)) is None


async def test_the_query_pages_through_a_busy_day(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    for n in range(55):
        assert (await channel.send(outgoing(title=f"警情{n}"))).ok
    last = outgoing(title="最后一条")
    await channel.send(last)
    found = await channel.query(last, datetime.now(UTC))
    assert found is not None
    assert found.ok
    assert aliyun.requests[-1]["params"]["CurrentPage"] == "2"


async def test_each_member_of_a_batch_finds_the_batch_send(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    sent_at = datetime.now(UTC)
    batch = [outgoing("13800001111"), outgoing("13900002222")]
    await channel.send_batch(batch)
    for sms in batch:
        found = await channel.query(sms, sent_at)
        assert found is not None
        assert found.ok
    # The same content sent well before is not taken for this send.
    assert await channel.query(batch[0], sent_at + timedelta(minutes=5)) is None


async def test_a_batch_without_an_answer_is_ambiguous_for_each_member_until_asked(
    aliyun: FakeAliyunSms,
) -> None:
    aliyun.hang_next(1, seconds=30, record=True)
    sent_at = datetime.now(UTC)
    batch = [outgoing("13800001111"), outgoing("13900002222")]
    async with create_http_client(aliyun.url, timeout=0.3) as http:
        results = await make_channel(http).send_batch(batch)
    assert [(r.failure, r.code) for r in results] == [(Failure.ambiguous, "timeout")] * 2
    async with create_http_client(aliyun.url, timeout=2) as http:
        channel = make_channel(http)
        found = [await channel.query(sms, sent_at) for sms in batch]
    assert [(f.ok, f.code) if f else None for f in found] == [(True, "DELIVERED")] * 2


async def test_a_query_that_fails_leaves_the_send_ambiguous(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    aliyun.fail_next(1, "isp.SYSTEM_ERROR", action="QuerySendDetails")
    result = await channel.query(outgoing(), datetime.now(UTC))
    assert result is not None
    assert (result.ok, result.failure, result.code) == (
        False,
        Failure.ambiguous,
        "isp.SYSTEM_ERROR",
    )


def test_send_date_is_the_day_in_shanghai() -> None:
    assert send_date(datetime(2026, 11, 20, 16, 30, tzinfo=UTC)) == "20261121"
    assert send_date(datetime(2026, 11, 20, 15, 59, tzinfo=UTC)) == "20261120"


async def test_receipts_pushed_for_our_sends_are_read_back(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    aliyun.set_outcome("13900002222", 2, "MK:0001")
    delivered, failed = outgoing("13800001111"), outgoing("13900002222")
    await channel.send(delivered)
    await channel.send(failed)
    receipts = parse_receipts(aliyun.receipts_body())
    assert [(r.delivery_key, r.delivered, r.code) for r in receipts] == [
        (delivered.key, True, "DELIVERED"),
        (failed.key, False, "MK:0001"),
    ]
    assert [r.provider_id for r in receipts] == [s.biz_id for s in aliyun.sent]
    first = receipts[0].at
    assert first is not None
    assert first.utcoffset() == timedelta(hours=8)


def test_a_receipt_time_is_read_in_shanghai() -> None:
    body = json.dumps(
        [
            {
                "phone_number": PHONE,
                "send_time": "2026-11-20 21:30:00",
                "report_time": "2026-11-20 21:30:05",
                "success": True,
                "err_code": "DELIVERED",
                "err_msg": "用户接收成功",
                "sms_size": "1",
                "biz_id": "932702304080415357^0",
                "out_id": "d-1",
            }
        ]
    ).encode()
    [receipt] = parse_receipts(body)
    assert receipt.at == datetime(2026, 11, 20, 13, 30, 5, tzinfo=UTC)
    assert (receipt.provider_id, receipt.delivery_key, receipt.detail) == (
        "932702304080415357^0",
        "d-1",
        "用户接收成功",
    )


GOOD_REPORT = {"success": False, "biz_id": "1^0", "report_time": "2026-11-20 21:30:05"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b'{"success": true}', "JSON array"),
        (b"[1]", "report 0: must be an object"),
        (json.dumps([GOOD_REPORT, {**GOOD_REPORT, "success": "true"}]).encode(), "report 1"),
        (json.dumps([{**GOOD_REPORT, "biz_id": None}]).encode(), "biz_id"),
        (json.dumps([{**GOOD_REPORT, "report_time": "20261120"}]).encode(), "report_time"),
        (
            json.dumps([{k: v for k, v in GOOD_REPORT.items() if k != "report_time"}]).encode(),
            "report_time",
        ),
    ],
)
def test_a_malformed_report_is_refused_with_a_reason(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_receipts(body)


def test_an_empty_report_is_no_receipts() -> None:
    assert parse_receipts(b"[]") == []


async def test_a_send_just_before_midnight_is_found_after_it(
    client: httpx.AsyncClient, aliyun: FakeAliyunSms
) -> None:
    shanghai = timezone(timedelta(hours=8))
    before = datetime(2026, 11, 27, 23, 58, tzinfo=shanghai)
    after = before + timedelta(minutes=7)  # 00:05 the next day, in Shanghai
    now = datetime.now(UTC)
    aliyun.clock = lambda: before
    sms = outgoing()
    sent = await make_channel(client, skew=before - now).send(sms)
    assert sent.ok

    aliyun.clock = lambda: after
    late = make_channel(client, skew=after - datetime.now(UTC))
    found = await late.query(sms, after, biz_id=sent.provider_id)

    assert found is not None
    assert (found.ok, found.provider_id) == (True, sent.provider_id)
    days = [r["params"]["SendDate"] for r in aliyun.requests if r["action"] == "QuerySendDetails"]
    assert days == ["20261127"]
