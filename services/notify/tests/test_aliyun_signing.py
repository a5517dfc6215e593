"""Aliyun's published signing examples, and the fake server's authentication of both schemes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from notify_factories import PHONE
from notify_fake_aliyun import (  # noqa: F401  (fixtures)
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    SIGN_NAME,
    FakeAliyunSms,
    aliyun_fixture,
    fake_aliyun_fixture,
)

from notify.channels.aliyun_signing import (
    acs3_authorization,
    acs3_canonical_request,
    acs3_headers,
    acs3_signature,
    canonical_query,
    percent_encode,
    rpc_common_params,
    rpc_signature,
    rpc_signed_params,
    rpc_string_to_sign,
    sha256_hex,
)
from notify.channels.aliyun_sms import VERSION

# §6 A: the RPC v1 example of Aliyun's signing document (DescribeRegions).
RPC_EXAMPLE = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}
# §6 B: the V3 example of document 2593177 (RunInstances).
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ACS3_QUERY = {
    "ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
    "RegionId": "cn-shanghai",
}
ACS3_HEADERS = {
    "host": "ecs.cn-shanghai.aliyuncs.com",
    "x-acs-action": "RunInstances",
    "x-acs-version": "2014-05-26",
    "x-acs-date": "2023-10-26T10:22:32Z",
    "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
    "x-acs-content-sha256": EMPTY_SHA256,
}


def test_rpc_v1_matches_the_published_example() -> None:
    assert rpc_string_to_sign("GET", RPC_EXAMPLE) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
        "%26Version%3D2014-05-26"
    )
    assert rpc_signature("testsecret", "GET", RPC_EXAMPLE) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    assert rpc_signature("testsecret", "POST", RPC_EXAMPLE) == "MxbnVAM4w6sft9xjVpe/GCKueuk="


def test_acs3_matches_the_published_example() -> None:
    canonical, signed_headers = acs3_canonical_request("POST", "/", ACS3_QUERY, ACS3_HEADERS, b"")
    assert sha256_hex(b"") == EMPTY_SHA256
    assert sha256_hex(canonical.encode()) == (
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    )
    signature = acs3_signature("YourAccessKeySecret", canonical)
    assert signature == "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    assert acs3_authorization("YourAccessKeyId", signed_headers, signature) == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        f"Signature={signature}"
    )


def test_acs3_headers_sign_the_whole_example_request() -> None:
    headers = acs3_headers(
        access_key_id="YourAccessKeyId",
        secret="YourAccessKeySecret",
        method="POST",
        host="ecs.cn-shanghai.aliyuncs.com",
        path="/",
        query=ACS3_QUERY,
        action="RunInstances",
        version="2014-05-26",
        payload=b"",
        at=datetime(2023, 10, 26, 10, 22, 32, tzinfo=UTC),
        nonce="3156853299f313e23d1673dc12e1703d",
    )
    assert headers["Authorization"].endswith(
        "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    )


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("a b", "a%20b"),
        ("a*b", "a%2Ab"),
        ("a~b", "a~b"),
        ("a+b", "a%2Bb"),
        ("1,2", "1%2C2"),
        ("南街", "%E5%8D%97%E8%A1%97"),
        ("-_.", "-_."),
    ],
)
def test_percent_encoding_is_rfc_3986(raw: str, encoded: str) -> None:
    assert percent_encode(raw) == encoded


def test_the_canonical_query_is_sorted_by_name() -> None:
    assert canonical_query({"b": "2", "B": "1", "a": "x y"}) == "B=1&a=x%20y&b=2"


def _rpc_send(at: datetime, nonce: str, secret: str = ACCESS_KEY_SECRET) -> dict[str, str]:
    params = rpc_common_params(ACCESS_KEY_ID, "SendSms", VERSION, at=at, nonce=nonce)
    params.update(PhoneNumbers=PHONE, SignName=SIGN_NAME, TemplateCode="SMS_480002", OutId="rpc-1")
    params["TemplateParam"] = '{"text":"值班提醒"}'
    return rpc_signed_params(secret, "GET", params)


async def _get(aliyun: FakeAliyunSms, params: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=aliyun.url) as client:
        return await client.get("/?" + canonical_query(params))


async def test_the_fake_accepts_an_rpc_v1_request(aliyun: FakeAliyunSms) -> None:
    answer = await _get(aliyun, _rpc_send(datetime.now(UTC), uuid.uuid4().hex))
    assert answer.json()["Code"] == "OK"
    assert [r["scheme"] for r in aliyun.requests] == ["rpc"]
    assert [(s.out_id, s.params) for s in aliyun.sent] == [("rpc-1", {"text": "值班提醒"})]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        (_rpc_send(datetime.now(UTC), "n-secret", secret="wrong"), 400, "SignatureDoesNotMatch"),
        (
            _rpc_send(datetime.now(UTC) - timedelta(minutes=20), "n-stale"),
            400,
            "InvalidTimeStamp.Expired",
        ),
        (
            {**_rpc_send(datetime.now(UTC), "n-tamper"), "OutId": "other"},
            400,
            "SignatureDoesNotMatch",
        ),
        ({"Action": "SendSms"}, 400, "MissingSignature"),
    ],
)
async def test_the_fake_refuses_a_bad_rpc_request(
    aliyun: FakeAliyunSms, params: dict[str, str], status: int, code: str
) -> None:
    answer = await _get(aliyun, params)
    assert (answer.status_code, answer.json()["Code"]) == (status, code)
    assert aliyun.sent == []


async def test_the_fake_refuses_a_reused_nonce(aliyun: FakeAliyunSms) -> None:
    params = _rpc_send(datetime.now(UTC), uuid.uuid4().hex)
    assert (await _get(aliyun, params)).json()["Code"] == "OK"
    replay = await _get(aliyun, params)
    assert (replay.status_code, replay.json()["Code"]) == (400, "SignatureNonceUsed")
    assert len(aliyun.sent) == 1


async def test_the_fake_refuses_a_replayed_or_unsigned_acs3_header(aliyun: FakeAliyunSms) -> None:
    query = {"PhoneNumber": PHONE, "SendDate": "20261120", "PageSize": "10", "CurrentPage": "1"}
    host = aliyun.url.removeprefix("http://")
    headers = acs3_headers(
        access_key_id=ACCESS_KEY_ID,
        secret=ACCESS_KEY_SECRET,
        method="POST",
        host=host,
        path="/",
        query=query,
        action="QuerySendDetails",
        version=VERSION,
        payload=b"",
        at=datetime.now(UTC),
        nonce=uuid.uuid4().hex,
    )
    url = "/?" + canonical_query(query)
    async with httpx.AsyncClient(base_url=aliyun.url) as client:
        first = await client.post(url, headers=headers)
        replay = await client.post(url, headers=headers)
        extra = await client.post(
            url, headers={**headers, "x-acs-signature-nonce": "n2", "x-acs-extra": "1"}
        )
    assert (first.status_code, first.json()["Code"], first.json()["TotalCount"]) == (200, "OK", 0)
    assert replay.json()["Code"] == "SignatureNonceUsed"
    assert (extra.status_code, extra.json()["Code"]) == (400, "IncompleteSignature")
