"""Tencent Cloud SMS protocol pieces: TC3 signing (Tencent's published example), reading answers,
numbers and parameters, settings, and the fake's own request checks."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest
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
from notify.channels.tencent_signing import api_headers, sign_tc3
from notify.channels.tencent_sms import cut_param, e164, from_settings, interpret
from notify.config import NotifySettings
from notify.templates import ProviderTemplate, Rendered
from pingan_shared.http import create_http_client

# PROVIDERS.md §6 C: the example of Tencent's "Signature v3" page.
EXAMPLE_PAYLOAD = (
    b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
)


def sms(phone: str, params: dict[str, str]) -> Outgoing:
    return Outgoing(
        delivery_id=uuid.uuid4(),
        message_key="m1",
        recipient_index=0,
        address=phone,
        display_address="138****1111",
        content=Rendered(markdown="", text=""),
        template="generic_text",
        params=params,
    )


def test_tc3_signing_reproduces_tencents_published_example() -> None:
    signature = sign_tc3(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        service="cvm",
        timestamp=1551113065,
        payload=EXAMPLE_PAYLOAD,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Host": "cvm.tencentcloudapi.com",
        },
    )
    assert signature.hashed_payload == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    assert signature.canonical_request == (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n"
        "\ncontent-type;host\n" + signature.hashed_payload
    )
    assert signature.hashed_canonical_request == (
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    # 1551113065 is 2019-02-26 00:44 in Beijing: the scope takes the UTC date.
    assert signature.credential_scope == "2019-02-25/cvm/tc3_request"
    assert signature.signature == (
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )
    assert signature.authorization == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, Signature=" + signature.signature
    )


def test_api_headers_carry_the_action_version_region_and_timestamp_signed() -> None:
    payload = b'{"PhoneNumberSet":["+8613800001111"]}'
    headers = api_headers(
        secret_id="AKIDexample",
        secret_key="secret",
        service="sms",
        action="SendSms",
        version="2021-01-11",
        region="ap-guangzhou",
        timestamp=1551113065,
        payload=payload,
        content_type="application/json; charset=utf-8",
        host="127.0.0.1:8080",
    )
    expected = sign_tc3(
        secret_id="AKIDexample",
        secret_key="secret",
        service="sms",
        timestamp=1551113065,
        payload=payload,
        headers={"content-type": headers["Content-Type"], "host": "127.0.0.1:8080"},
    )
    assert headers == {
        "Authorization": expected.authorization,
        "Content-Type": "application/json; charset=utf-8",
        "X-TC-Action": "SendSms",
        "X-TC-Timestamp": "1551113065",
        "X-TC-Version": "2021-01-11",
        "X-TC-Region": "ap-guangzhou",
    }


@pytest.mark.parametrize(
    ("status", "body", "failure", "code"),
    [
        (200, b"<html>gateway</html>", Failure.ambiguous, "http_200"),
        (200, b'{"Response": {"RequestId": "r"}}', Failure.ambiguous, "http_200"),
        (404, b"<html>not found</html>", Failure.permanent, "http_404"),
        (502, b"", Failure.transient, "http_502"),
    ],
)
def test_answers_that_are_not_tencent_json_are_failures(
    status: int, body: bytes, failure: Failure, code: str
) -> None:
    result = interpret(httpx.Response(status, content=body), ["+8613800001111"])
    assert [(r.ok, r.failure, r.code) for r in result["+8613800001111"]] == [(False, failure, code)]


def test_phones_in_tencent_messages_are_masked() -> None:
    body = (
        b'{"Response": {"Error": {"Code": "InvalidParameterValue.IncorrectPhoneNumber",'
        b' "Message": "bad number +8613900002222"}, "RequestId": "r-1"}}'
    )
    [result] = interpret(httpx.Response(200, content=body), ["+8613900002222"])["+8613900002222"]
    assert result.failure is Failure.permanent
    assert "13900002222" not in (result.detail or "")
    assert "r-1" in (result.detail or "")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("13800001111", "+8613800001111"),
        ("+8613800001111", "+8613800001111"),
        ("008613800001111", "+8613800001111"),
        ("138 0000 1111", "+8613800001111"),
        ("12800001111", None),
        ("+12025550123", None),
    ],
)
def test_numbers_are_sent_in_e164(address: str, expected: str | None) -> None:
    assert e164(address) == expected


def test_params_are_cut_by_characters_not_bytes() -> None:
    assert cut_param("一二三四五六七八九十十一", 12) == "一二三四五六七八九十十一"
    assert cut_param("一二三四五六七八九十十一十二", 12) == "一二三四五六七八九十十…"
    assert cut_param("x" * 40, None) == "x" * 40


async def test_from_settings_needs_keys_app_and_sign() -> None:
    base: dict[str, Any] = {"environment": "test", "tencent_sms_base_url": "http://127.0.0.1:9"}
    partial: dict[str, Any] = {"tencent_secret_id": SECRET_ID, "tencent_sms_app_id": APP_ID}
    async with httpx.AsyncClient() as client:
        assert from_settings(NotifySettings(**base), client) is None
        assert from_settings(NotifySettings(**base, **partial), client) is None


async def test_a_channel_from_settings_sends_through_the_configured_base_url(
    tencent: FakeTencentSms,
) -> None:
    settings = NotifySettings(
        environment="test",
        tencent_sms_base_url=tencent.url,
        tencent_secret_id=SECRET_ID,
        tencent_secret_key=SecretStr(SECRET_KEY),
        tencent_sms_app_id=APP_ID,
        tencent_sign_name=SIGN_NAME,
        tencent_region="ap-nanjing",
        tencent_sms_templates={"generic_text": ProviderTemplate(TEMPLATE_ID, ("text", "", ""))},
    )
    assert settings.tencent_sms_base_url is not None
    async with create_http_client(settings.tencent_sms_base_url, timeout=2) as http:
        channel = from_settings(settings, http)
        assert channel is not None
        result = await channel.send(sms("13800001111", {"text": "夜间巡逻提醒"}))
    assert result.ok, result
    assert tencent.sends[0]["TemplateParamSet"] == ["夜间巡逻提醒", "", ""]
    assert tencent.headers[0]["x-tc-region"] == "ap-nanjing"


def send_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "PhoneNumberSet": ["+8613800001111"],
        "SmsSdkAppId": APP_ID,
        "SignName": SIGN_NAME,
        "TemplateId": TEMPLATE_ID,
        "TemplateParamSet": ["南街", "盗窃", "被盗"],
    }
    return {**body, **overrides}


async def post_signed(
    tencent: FakeTencentSms, body: dict[str, Any], action: str = "SendSms", **tamper: str
) -> dict[str, Any]:
    host = tencent.url.removeprefix("http://")
    payload = json.dumps(body).encode()
    headers = api_headers(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        service="sms",
        action=action,
        version="2021-01-11",
        region="ap-guangzhou",
        timestamp=int(time.time()),
        payload=payload,
        content_type="application/json; charset=utf-8",
        host=host,
    )
    async with httpx.AsyncClient(base_url=tencent.url) as client:
        answer = await client.post("/", content=payload, headers={**headers, **tamper})
    assert answer.status_code == 200
    response: dict[str, Any] = answer.json()["Response"]
    assert response["RequestId"]
    return response


@pytest.mark.parametrize(
    ("body", "tamper", "code"),
    [
        (send_body(), {}, None),
        (send_body(Extra="1"), {}, "UnknownParameter"),
        (send_body(PhoneNumberSet=[]), {}, "MissingParameter.EmptyPhoneNumberSet"),
        (
            send_body(PhoneNumberSet=["+8613800001111"] * 201),
            {},
            "LimitExceeded.PhoneNumberCountLimit",
        ),
        (
            send_body(TemplateParamSet=["南街"]),
            {},
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        ),
        (send_body(), {"Host": "sms.tencentcloudapi.com"}, "AuthFailure.SignatureFailure"),
        (send_body(), {"Content-Type": "application/json"}, "AuthFailure.SignatureFailure"),
        (send_body(), {"X-TC-Version": "2019-07-11"}, "NoSuchVersion"),
        (send_body(), {"Authorization": "Bearer x"}, "AuthFailure.InvalidAuthorization"),
        (send_body(), {"X-TC-Timestamp": "1551113065"}, "AuthFailure.SignatureExpire"),
    ],
)
async def test_the_fake_checks_requests_as_tencent_documents(
    tencent: FakeTencentSms, body: dict[str, Any], tamper: dict[str, str], code: str | None
) -> None:
    response = await post_signed(tencent, body, **tamper)
    if code is None:
        assert [s["Code"] for s in response["SendStatusSet"]] == ["Ok"]
        assert response["SendStatusSet"][0]["PhoneNumber"] == "+8613800001111"
    else:
        assert response["Error"]["Code"] == code
    assert len(tencent.sends) == (1 if code is None else 0)


async def test_the_fake_answers_only_sendsms(tencent: FakeTencentSms) -> None:
    response = await post_signed(tencent, send_body(), action="PullSmsSendStatus")
    assert response["Error"]["Code"] == "InvalidAction"
