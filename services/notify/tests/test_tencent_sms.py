"""The Tencent Cloud SMS channel against a local fake that speaks SendSms 2021-01-11."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from notify_factories import PHONE
from notify_fake_tencent import (
    APP_ID,
    SECRET_ID,
    SECRET_KEY,
    SIGN_NAME,
    TEMPLATE_ID,
    FakeTencentSms,
    fake_tencent_server_fixture,  # noqa: F401  (the fixture `tencent` needs)
    tencent_fixture,  # noqa: F401  (the fixture `tencent`)
)
from pydantic import SecretStr

from notify.channels.base import Failure, Outgoing
from notify.channels.tencent_signing import utc_date
from notify.channels.tencent_sms import MAX_BATCH, TencentSmsChannel
from notify.templates import ProviderTemplate, Rendered
from pingan_shared.http import create_http_client
from pingan_shared.observability import mask_phones
from pingan_shared.testing import free_port

TEMPLATES = {"incident_reported": ProviderTemplate(TEMPLATE_ID, ("area", "category", "title"))}
PARAMS = {"area": "南街社区", "category": "盗窃", "title": "电动车被盗", "severity": "较重"}
OTHER_PHONE = "13900002222"
THIRD_PHONE = "13700003333"


def outgoing(phone: str = PHONE, template: str = "incident_reported", **params: str) -> Outgoing:
    return Outgoing(
        delivery_id=uuid.uuid4(),
        message_key="incident-reported:8b0f6a4e",
        recipient_index=0,
        address=phone,
        display_address=mask_phones(phone),
        content=Rendered(markdown="", text="【平安】新警情"),
        template=template,
        params={**PARAMS, **params},
    )


def make_channel(client: httpx.AsyncClient, **overrides: Any) -> TencentSmsChannel:
    options: dict[str, Any] = {
        "secret_id": SECRET_ID,
        "secret_key": SecretStr(SECRET_KEY),
        "app_id": APP_ID,
        "sign_name": SIGN_NAME,
        "templates": TEMPLATES,
    }
    return TencentSmsChannel(client, **{**options, **overrides})


@pytest.fixture
async def client(tencent: FakeTencentSms) -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client(tencent.url, timeout=2) as http:
        yield http


@pytest.fixture
def channel(client: httpx.AsyncClient) -> TencentSmsChannel:
    return make_channel(client)


async def test_a_send_is_one_signed_sendsms_with_e164_number_and_ordered_params(
    channel: TencentSmsChannel, tencent: FakeTencentSms
) -> None:
    delivery = outgoing()
    result = await channel.send(delivery)
    assert (result.ok, result.code, result.failure) == (True, "Ok", None)
    assert result.provider_id is not None
    assert result.provider_id.startswith("2640:")
    assert tencent.sends == [
        {
            "PhoneNumberSet": ["+8613800001111"],
            "SmsSdkAppId": APP_ID,
            "SignName": SIGN_NAME,
            "TemplateId": TEMPLATE_ID,
            "TemplateParamSet": ["南街社区", "盗窃", "电动车被盗"],
            "SessionContext": delivery.key,
        }
    ]
    headers = tencent.headers[0]
    assert (headers["x-tc-action"], headers["x-tc-version"], headers["x-tc-region"]) == (
        "SendSms",
        "2021-01-11",
        "ap-guangzhou",
    )
    assert headers["authorization"].startswith(
        f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{utc_date(int(headers['x-tc-timestamp']))}"
        "/sms/tc3_request, SignedHeaders=content-type;host, Signature="
    )


async def test_the_signature_covers_the_host_the_request_really_carries(
    tencent: FakeTencentSms,
) -> None:
    port = tencent.url.rsplit(":", 1)[1]
    async with create_http_client(f"http://localhost:{port}", timeout=2) as http:
        result = await make_channel(http).send(outgoing())
    assert result.ok, result
    assert len(tencent.sends) == 1


async def test_long_params_are_cut_to_twelve_characters_and_accepted(
    channel: TencentSmsChannel, tencent: FakeTencentSms
) -> None:
    result = await channel.send(outgoing(title="城南街道幸福小区三号楼电动车被盗"))
    assert result.ok
    assert tencent.sends[0]["TemplateParamSet"][2] == "城南街道幸福小区三号楼…"


async def test_uncut_long_params_are_refused_by_a_non_enterprise_account(
    client: httpx.AsyncClient, tencent: FakeTencentSms
) -> None:
    result = await make_channel(client, param_limit=None).send(outgoing(title="一" * 13))
    assert (result.ok, result.failure, result.code) == (
        False,
        Failure.permanent,
        "InvalidParameterValue.TemplateParameterLengthLimit",
    )
    assert tencent.sends == []


async def test_a_template_without_tencent_mapping_fails_at_once_without_a_call(
    channel: TencentSmsChannel, tencent: FakeTencentSms
) -> None:
    result = await channel.send(outgoing(template="generic_text"))
    assert (result.ok, result.failure, result.code) == (
        False,
        Failure.permanent,
        "template_not_approved",
    )
    assert tencent.calls == 0


async def test_a_batch_is_one_call_and_each_number_has_its_own_result(
    channel: TencentSmsChannel, tencent: FakeTencentSms
) -> None:
    tencent.fail_number("+8613900002222", "FailedOperation.PhoneNumberInBlacklist")
    tencent.fail_number("+8613700003333", "LimitExceeded.PhoneNumberThirtySecondLimit")
    batch = [outgoing(), outgoing(OTHER_PHONE), outgoing("12345"), outgoing(THIRD_PHONE)]
    results = await channel.send_batch(batch)
    assert [(r.ok, r.failure, r.code, r.retry_after) for r in results] == [
        (True, None, "Ok", None),
        (False, Failure.permanent, "FailedOperation.PhoneNumberInBlacklist", None),
        (False, Failure.permanent, "invalid_phone", None),
        (False, Failure.quota, "LimitExceeded.PhoneNumberThirtySecondLimit", 30.0),
    ]
    assert tencent.calls == 1
    sent = tencent.sends[0]
    assert sent["PhoneNumberSet"] == ["+8613800001111", "+8613900002222", "+8613700003333"]
    assert sent["SessionContext"].startswith("batch:3:")
    assert "13900002222" not in (results[1].detail or "")


async def test_a_batch_takes_one_template_and_params_and_at_most_200(
    channel: TencentSmsChannel,
) -> None:
    assert channel.max_batch == MAX_BATCH == 200
    with pytest.raises(ValueError, match="at most 200"):
        await channel.send_batch([outgoing(), outgoing(OTHER_PHONE, title="另一起")])
    with pytest.raises(ValueError, match="at most 200"):
        await channel.send_batch([outgoing()] * 201)


@pytest.mark.parametrize(
    ("code", "failure", "retry_after"),
    [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", Failure.quota, 30.0),
        ("LimitExceeded.PhoneNumberOneHourLimit", Failure.quota, 3600.0),
        ("LimitExceeded.PhoneNumberDailyLimit", Failure.quota, 86400.0),
        ("LimitExceeded.PhoneNumberSameContentDailyLimit", Failure.quota, 86400.0),
        ("LimitExceeded.DeliveryFrequencyLimit", Failure.quota, None),
        ("FailedOperation.PhoneNumberInBlacklist", Failure.permanent, None),
        ("InvalidParameterValue.IncorrectPhoneNumber", Failure.permanent, None),
        ("InternalError.Timeout", Failure.transient, None),
    ],
)
async def test_per_number_codes_are_classified(
    channel: TencentSmsChannel,
    tencent: FakeTencentSms,
    code: str,
    failure: Failure,
    retry_after: float | None,
) -> None:
    tencent.fail_number("+8613800001111", code)
    result = await channel.send(outgoing())
    assert (result.ok, result.failure, result.code, result.retry_after) == (
        False,
        failure,
        code,
        retry_after,
    )
    assert result.http_status == 200


@pytest.mark.parametrize(
    ("code", "failure"),
    [
        ("FailedOperation.SignatureIncorrectOrUnapproved", Failure.permanent),
        ("FailedOperation.TemplateIncorrectOrUnapproved", Failure.permanent),
        ("InternalError.OtherError", Failure.transient),
        ("LimitExceeded.AppDailyLimit", Failure.quota),
    ],
)
async def test_a_whole_request_error_fails_every_number_of_the_batch(
    channel: TencentSmsChannel, tencent: FakeTencentSms, code: str, failure: Failure
) -> None:
    tencent.fail_next(code)
    results = await channel.send_batch([outgoing(), outgoing(OTHER_PHONE)])
    assert [(r.ok, r.failure, r.code) for r in results] == [(False, failure, code)] * 2
    assert "RequestId" in (results[0].detail or "")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"sign_name": "未审核签名"}, "FailedOperation.SignatureIncorrectOrUnapproved"),
        (
            {"templates": {"incident_reported": ProviderTemplate("999", ("area", "category"))}},
            "FailedOperation.TemplateIncorrectOrUnapproved",
        ),
        (
            {"templates": {"incident_reported": ProviderTemplate(TEMPLATE_ID, ("area",))}},
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        ),
        ({"secret_key": SecretStr("not-the-key")}, "AuthFailure.SignatureFailure"),
        ({"secret_id": "AKIDunknown"}, "AuthFailure.SecretIdNotFound"),
    ],
)
async def test_misconfiguration_is_refused_by_tencent_and_permanent(
    client: httpx.AsyncClient, tencent: FakeTencentSms, overrides: dict[str, Any], code: str
) -> None:
    result = await make_channel(client, **overrides).send(outgoing())
    assert (result.ok, result.failure, result.code) == (False, Failure.permanent, code)
    assert tencent.sends == []


async def test_a_clock_off_by_more_than_five_minutes_is_retryable(
    client: httpx.AsyncClient, tencent: FakeTencentSms
) -> None:
    result = await make_channel(client, clock=lambda: time.time() - 600).send(outgoing())
    assert (result.ok, result.failure, result.code) == (
        False,
        Failure.transient,
        "AuthFailure.SignatureExpire",
    )
    assert "clock skew" in (result.detail or "")
    assert tencent.sends == []


async def test_a_5xx_is_transient(channel: TencentSmsChannel, tencent: FakeTencentSms) -> None:
    tencent.http_error_next(503)
    result = await channel.send(outgoing())
    assert (result.ok, result.failure, result.code, result.http_status) == (
        False,
        Failure.transient,
        "http_503",
        503,
    )
    assert (await channel.send(outgoing())).ok


async def test_a_timeout_after_sending_is_ambiguous(tencent: FakeTencentSms) -> None:
    tencent.hang_next(30)
    async with create_http_client(tencent.url, timeout=0.5) as http:
        results = await make_channel(http).send_batch([outgoing(), outgoing(OTHER_PHONE)])
    assert [(r.failure, r.code) for r in results] == [(Failure.ambiguous, "timeout")] * 2
    assert len(tencent.sends) == 1  # Tencent had the request: it may have sent both
    tencent.reset()  # releases the hanging answer


async def test_an_unreachable_provider_is_transient() -> None:
    async with create_http_client(f"http://127.0.0.1:{free_port()}", retries=0) as http:
        result = await make_channel(http).send(outgoing())
    assert (result.ok, result.failure, result.code) == (False, Failure.transient, "transport")


async def test_a_number_tencent_says_nothing_about_is_ambiguous(
    channel: TencentSmsChannel, tencent: FakeTencentSms
) -> None:
    tencent.omit_number("+8613900002222")
    results = await channel.send_batch([outgoing(), outgoing(OTHER_PHONE)])
    assert [(r.ok, r.failure, r.code) for r in results] == [
        (True, None, "Ok"),
        (False, Failure.ambiguous, "missing_status"),
    ]
