"""The Aliyun SMS channel's sends against a local fake that checks signatures and parameters as
Aliyun does: request shape, every error class, batches, timeouts, configuration."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from notify_aliyun_channel import (  # noqa: F401  (fixtures)
    PARAMS,
    channel_fixture,
    client_fixture,
    make_channel,
    outgoing,
)
from notify_factories import PHONE
from notify_fake_aliyun import (  # noqa: F401  (fixtures)
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    PROVIDER_TEMPLATES,
    SIGN_NAME,
    FakeAliyunSms,
    aliyun_fixture,
    fake_aliyun_fixture,
)

from notify.channels.aliyun_receipts import RECEIPT_REPLY
from notify.channels.aliyun_sms import (
    AliyunSmsChannel,
    batch_out_id,
    from_settings,
    interpret,
    template_param,
)
from notify.channels.base import BatchSender, Failure, StatusQuery
from notify.config import NotifySettings
from notify.templates import ProviderTemplate
from pingan_shared.http import create_http_client
from pingan_shared.testing import free_port


def test_the_channel_offers_batches_and_status_queries(channel: AliyunSmsChannel) -> None:
    assert isinstance(channel, BatchSender)
    assert isinstance(channel, StatusQuery)
    assert channel.max_batch == 1000


async def test_one_sms_carries_number_sign_template_params_and_our_key_as_out_id(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    sms = outgoing()
    result = await channel.send(sms)
    assert result.ok
    assert result.failure is None
    [sent] = aliyun.sent
    assert result.provider_id == sent.biz_id
    assert (sent.phone, sent.sign_name, sent.template_code, sent.out_id) == (
        PHONE,
        SIGN_NAME,
        "SMS_480001",
        sms.key,
    )
    assert sent.params == {k: PARAMS[k] for k in PROVIDER_TEMPLATES["incident_reported"].params}
    assert [r["scheme"] for r in aliyun.requests] == ["acs3"]


async def test_a_message_without_an_approved_template_is_not_sent(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    result = await channel.send(outgoing(template="incident_escalated"))
    assert (result.ok, result.failure, result.code) == (
        False,
        Failure.permanent,
        "template_not_approved",
    )
    assert aliyun.requests == []


@pytest.mark.parametrize(
    ("code", "message", "failure", "retry_after"),
    [
        ("isp.SYSTEM_ERROR", None, Failure.transient, None),
        ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1", Failure.quota, 60),
        ("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5", Failure.quota, 3600),
        ("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10", Failure.quota, 86400),
        ("isv.DAY_LIMIT_CONTROL", "触发日发送限额", Failure.quota, 86400),
        ("isv.MONTH_LIMIT_CONTROL", "触发月发送限额", Failure.quota, 86400),
        ("Throttling.User", "Request was denied due to user flow control.", Failure.quota, 1),
        ("isv.MOBILE_NUMBER_ILLEGAL", None, Failure.permanent, None),
        ("isv.SMS_SIGNATURE_ILLEGAL", None, Failure.permanent, None),
        ("isv.SMS_TEMPLATE_ILLEGAL", None, Failure.permanent, None),
        ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足", Failure.permanent, None),
        ("isv.OUT_OF_SERVICE", "业务停机", Failure.permanent, None),
        ("isv.BLACK_KEY_CONTROL_LIMIT", "黑名单管控", Failure.permanent, None),
    ],
)
async def test_error_codes_inside_http_200_are_classified(
    channel: AliyunSmsChannel,
    aliyun: FakeAliyunSms,
    code: str,
    message: str | None,
    failure: Failure,
    retry_after: float | None,
) -> None:
    aliyun.fail_next(1, code, message)
    result = await channel.send(outgoing())
    assert (result.ok, result.code, result.http_status) == (False, code, 200)
    assert (result.failure, result.retry_after) == (failure, retry_after)
    assert aliyun.sent == []


async def test_the_fake_refuses_what_aliyun_refuses_and_the_channel_does_not_retry_it(
    client: httpx.AsyncClient, aliyun: FakeAliyunSms
) -> None:
    bad_number = await make_channel(client).send(outgoing(phone="1380000111"))
    wrong_sign = await make_channel(client, sign_name="别的签名").send(outgoing())
    unknown = {"incident_reported": ProviderTemplate("SMS_999999", ("area",))}
    unapproved = await make_channel(client, templates=unknown).send(outgoing())
    assert [r.code for r in (bad_number, wrong_sign, unapproved)] == [
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.SMS_TEMPLATE_ILLEGAL",
    ]
    assert {r.failure for r in (bad_number, wrong_sign, unapproved)} == {Failure.permanent}
    assert aliyun.sent == []


async def test_a_phone_in_the_message_text_is_masked_in_the_detail(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    aliyun.fail_next(1, "isv.MOBILE_NUMBER_ILLEGAL", f"非法手机号 {PHONE}")
    result = await channel.send(outgoing())
    assert PHONE not in (result.detail or "")
    assert "138****1111" in (result.detail or "")


async def test_a_wrong_secret_is_refused_by_the_signature_check(
    client: httpx.AsyncClient, aliyun: FakeAliyunSms
) -> None:
    result = await make_channel(client, secret="not-the-secret").send(outgoing())
    assert (result.ok, result.code, result.http_status, result.failure) == (
        False,
        "SignatureDoesNotMatch",
        400,
        Failure.permanent,
    )
    assert aliyun.sent == []


async def test_a_clock_off_by_more_than_15_minutes_is_refused(
    client: httpx.AsyncClient, aliyun: FakeAliyunSms
) -> None:
    result = await make_channel(client, skew=timedelta(minutes=-16)).send(outgoing())
    assert (result.ok, result.code) == (False, "InvalidTimeStamp.Expired")
    assert (await make_channel(client, skew=timedelta(minutes=-14)).send(outgoing())).ok


async def test_5xx_is_transient(channel: AliyunSmsChannel, aliyun: FakeAliyunSms) -> None:
    aliyun.error_status_next(1, 503)
    result = await channel.send(outgoing())
    assert (result.ok, result.failure, result.code, result.http_status) == (
        False,
        Failure.transient,
        "http_503",
        503,
    )
    assert (await channel.send(outgoing())).ok


async def test_an_unreadable_200_may_have_been_sent_so_it_is_ambiguous(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    aliyun.garbage_next(1)
    result = await channel.send(outgoing())
    assert (result.ok, result.failure, result.code) == (False, Failure.ambiguous, "http_200")


@pytest.mark.parametrize(
    ("status", "body", "failure"),
    [
        (404, b"<html>not found</html>", Failure.permanent),
        (502, b"bad gateway", Failure.transient),
        (200, b'{"Message": "no code"}', Failure.ambiguous),
        (200, b'{"Code": "OK"}', None),
    ],
)
def test_answers_are_read_by_code_not_by_status(
    status: int, body: bytes, failure: Failure | None
) -> None:
    result, _ = interpret(httpx.Response(status, content=body))
    assert result.failure is failure
    assert result.ok is (failure is None)


async def test_no_answer_after_sending_is_ambiguous_and_the_query_finds_the_sms(
    aliyun: FakeAliyunSms,
) -> None:
    aliyun.hang_next(1, seconds=30, record=True)
    sms = outgoing()
    sent_at = datetime.now(UTC)
    async with create_http_client(aliyun.url, timeout=0.3) as http:
        result = await make_channel(http).send(sms)
    assert (result.ok, result.failure, result.code) == (False, Failure.ambiguous, "timeout")
    async with create_http_client(aliyun.url, timeout=2) as http:
        found = await make_channel(http).query(sms, sent_at)
    assert found is not None
    assert (found.ok, found.code) == (True, "DELIVERED")


async def test_an_unreachable_provider_is_transient() -> None:
    async with create_http_client(f"http://127.0.0.1:{free_port()}", retries=0) as http:
        result = await make_channel(http).send(outgoing())
    assert (result.ok, result.failure, result.code) == (False, Failure.transient, "transport")


async def test_deliveries_sharing_template_and_params_go_in_one_call(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    phones = ["13800001111", "13900002222", "+8613700003333"]
    batch = [outgoing(phone) for phone in phones]
    results = await channel.send_batch(batch)
    assert [r.ok for r in results] == [True, True, True]
    assert len({r.provider_id for r in results}) == 1
    [request] = aliyun.requests
    assert request["params"]["PhoneNumbers"] == ",".join(phones)
    expected_out_id = batch_out_id(
        "SMS_480001", template_param(PROVIDER_TEMPLATES["incident_reported"], PARAMS)
    )
    assert request["params"]["OutId"] == expected_out_id
    assert [s.phone for s in aliyun.sent] == ["13800001111", "13900002222", "13700003333"]


async def test_a_batch_is_split_by_content_and_size_and_one_failure_covers_its_call(
    channel: AliyunSmsChannel, aliyun: FakeAliyunSms
) -> None:
    channel.max_batch = 2
    batch = [
        outgoing("13800001111"),
        outgoing("13800002222", title="另一起"),
        outgoing("13800003333"),
        outgoing("13800004444"),
        outgoing("13800005555", template="incident_escalated"),
    ]
    aliyun.fail_next(1, "isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5")
    results = await channel.send_batch(batch)
    calls = [r["params"]["PhoneNumbers"] for r in aliyun.requests]
    assert calls == ["13800001111,13800003333", "13800004444", "13800002222"]
    assert [r.failure for r in results] == [
        Failure.quota,
        None,
        Failure.quota,
        None,
        Failure.permanent,
    ]
    assert results[0].retry_after == 3600
    assert results[4].code == "template_not_approved"
    assert aliyun.requests[1]["params"]["OutId"] == batch[3].key


def test_template_params_are_json_in_the_template_order_with_chinese_kept() -> None:
    template = ProviderTemplate("SMS_1", ("title", "area"))
    assert template_param(template, {"area": "南街", "title": "盗窃"}) == (
        '{"title":"盗窃","area":"南街"}'
    )
    assert json.loads(template_param(template, {})) == {"title": "", "area": ""}


async def test_settings_without_key_pair_or_sign_configure_nothing(
    client: httpx.AsyncClient,
) -> None:
    base: dict[str, object] = {
        "aliyun_access_key_id": ACCESS_KEY_ID,
        "aliyun_access_key_secret": ACCESS_KEY_SECRET,
        "aliyun_sign_name": SIGN_NAME,
    }
    for missing in base:
        settings = NotifySettings.model_validate({k: v for k, v in base.items() if k != missing})
        assert from_settings(settings, client) is None
    blank = NotifySettings.model_validate({**base, "aliyun_access_key_secret": ""})
    assert from_settings(blank, client) is None
    settings = NotifySettings.model_validate({**base, "aliyun_sms_templates": PROVIDER_TEMPLATES})
    channel = from_settings(settings, client)
    assert channel is not None
    assert channel.templates == PROVIDER_TEMPLATES
    assert ACCESS_KEY_SECRET not in repr(vars(channel))


def test_the_documented_receipt_reply() -> None:
    assert json.dumps(RECEIPT_REPLY, ensure_ascii=False, separators=(",", ":")) == (
        '{"code":0,"msg":"接收成功"}'
    )
