"""The WeChat template message channel (微信公众号模板消息) against a local fake account."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx
import notify_fake_wechat
import pytest
from notify_fake_wechat import APP_ID, APP_SECRET, FakeWeChat
from pydantic import SecretStr

from notify.channels.access_token import AccessTokenCache, read_answer, wechat_token_fetcher
from notify.channels.base import Failure, Outgoing, SendResult
from notify.channels.wechat_template import (
    WeChatTemplateChannel,
    interpret,
    seconds_to_midnight,
    template_data,
)
from notify.config import NotifySettings
from notify.templates import ProviderTemplate, Rendered
from pingan_shared.http import create_http_client

FOLLOWER = "oAbc123follower-1"
RESOLVED = ProviderTemplate(
    "tmpl-incident-resolved", ("thing1=title", "thing2=note", "time3=resolved_at")
)
PARAMS = {"title": "电动车被盗", "note": "已找回", "resolved_at": "2026-11-21 09:00"}

# The fake's fixtures: one server for the run, reset for each test.
fake_wechat = notify_fake_wechat.fake_wechat
wechat = notify_fake_wechat.wechat


def outgoing(
    openid: str = FOLLOWER, key: str = "", template: str = "incident_resolved"
) -> Outgoing:
    return Outgoing(
        delivery_id=uuid.uuid4(),
        message_key="m1",
        recipient_index=0,
        address=openid,
        display_address="openid",
        content=Rendered(markdown="办结", text="办结"),
        template=template,
        params=PARAMS,
        delivery_key=key,
    )


def channel_for(
    client: httpx.AsyncClient, *, secret: str = APP_SECRET, template: ProviderTemplate = RESOLVED
) -> WeChatTemplateChannel:
    tokens = AccessTokenCache(wechat_token_fetcher(client, APP_ID, SecretStr(secret)))
    return WeChatTemplateChannel(client, tokens=tokens, templates={"incident_resolved": template})


@pytest.fixture
async def client(wechat: FakeWeChat) -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client(wechat.url, timeout=1) as client:
        yield client


@pytest.fixture
def channel(client: httpx.AsyncClient) -> WeChatTemplateChannel:
    return channel_for(client)


async def test_a_template_message_carries_the_template_data_and_the_delivery_key(
    channel: WeChatTemplateChannel, wechat: FakeWeChat
) -> None:
    message = outgoing(key="d-0001")
    result = await channel.send(message)
    assert result.ok
    assert wechat.messages == [
        {
            "touser": FOLLOWER,
            "template_id": "tmpl-incident-resolved",
            "data": {
                "thing1": {"value": "电动车被盗"},
                "thing2": {"value": "已找回"},
                "time3": {"value": "2026-11-21 09:00"},
            },
            "client_msg_id": "d-0001",
            "msgid": int(result.provider_id or 0),
        }
    ]


def test_parameters_named_like_the_keywords_need_no_mapping() -> None:
    template = ProviderTemplate("t", ("first", "keyword1=title", "remark"))
    assert template_data(template, {"first": "您好", "title": "电动车被盗"}) == {
        "first": {"value": "您好"},
        "keyword1": {"value": "电动车被盗"},
        "remark": {"value": ""},
    }


async def test_a_message_without_a_wechat_template_fails_as_not_approved(
    channel: WeChatTemplateChannel, wechat: FakeWeChat
) -> None:
    result = await channel.send(outgoing(template="incident_reported"))
    assert (result.ok, result.failure, result.code) == (
        False,
        Failure.permanent,
        "template_not_approved",
    )
    assert wechat.token_calls == wechat.send_calls == 0


async def test_one_stable_token_serves_twenty_concurrent_sends(
    channel: WeChatTemplateChannel, wechat: FakeWeChat
) -> None:
    results = await asyncio.gather(*(channel.send(outgoing(key=f"k{i}")) for i in range(20)))
    assert all(result.ok for result in results)
    assert wechat.token_calls == 1
    assert wechat.force_refreshes == 0
    assert len(wechat.messages) == 20


async def test_a_token_replaced_elsewhere_is_fetched_again_once_and_the_message_resent(
    channel: WeChatTemplateChannel, wechat: FakeWeChat
) -> None:
    assert (await channel.send(outgoing(key="k1"))).ok
    wechat.revoke_tokens()  # e.g. someone used force_refresh
    result = await channel.send(outgoing(key="k2"))
    assert result.ok
    assert wechat.token_calls == 2
    assert wechat.send_calls == 3  # refused with 40001, then resent once
    assert [m["client_msg_id"] for m in wechat.messages] == ["k1", "k2"]


async def test_a_wrong_secret_fails_the_waiting_sends_for_good_after_one_request(
    client: httpx.AsyncClient, wechat: FakeWeChat
) -> None:
    channel = channel_for(client, secret="wrong-secret")
    results = await asyncio.gather(*(channel.send(outgoing()) for _ in range(5)))
    assert {(r.failure, r.code) for r in results} == {(Failure.permanent, "40125")}
    assert wechat.token_calls == 1
    assert wechat.send_calls == 0


@pytest.mark.parametrize(
    ("prepare", "code"),
    [
        (lambda fake: fake.unfollowed.add(FOLLOWER), "43004"),  # not following the account
        (lambda fake: fake.followers.discard(FOLLOWER), "40003"),  # an openid of another account
        (lambda fake: fake.templates.clear(), "40037"),  # template deleted at WeChat
    ],
)
async def test_a_follower_or_template_wechat_refuses_fails_for_good(
    channel: WeChatTemplateChannel,
    wechat: FakeWeChat,
    prepare: Callable[[FakeWeChat], None],
    code: str,
) -> None:
    prepare(wechat)  # the per-test reset restores followers and templates
    result = await channel.send(outgoing())
    assert (result.ok, result.failure, result.code) == (False, Failure.permanent, code)
    assert wechat.messages == []


async def test_data_the_template_does_not_take_fails_for_good(
    client: httpx.AsyncClient, wechat: FakeWeChat
) -> None:
    wrong = ProviderTemplate("tmpl-incident-resolved", ("title", "note"))
    result = await channel_for(client, template=wrong).send(outgoing())
    assert (result.failure, result.code) == (Failure.permanent, "47003")


@pytest.mark.parametrize(
    ("errcode", "failure"),
    [(-1, Failure.transient), (45011, Failure.quota), (45009, Failure.quota)],
)
async def test_busy_and_quota_errcodes_are_retried(
    channel: WeChatTemplateChannel, wechat: FakeWeChat, errcode: int, failure: Failure
) -> None:
    wechat.fail_next(1, errcode=errcode)
    result = await channel.send(outgoing())
    assert (result.ok, result.failure, result.code) == (False, failure, str(errcode))
    if errcode == 45011:
        assert result.retry_after == 60
    if errcode == 45009:
        assert 0 < (result.retry_after or 0) <= 86400


def test_the_daily_quota_reopens_at_midnight_in_china() -> None:
    assert seconds_to_midnight(datetime(2026, 11, 20, 15, 30, tzinfo=UTC)) == 1800  # 23:30 +8
    answer = httpx.Response(200, json={"errcode": 45009, "errmsg": "reach max api daily quota"})
    result = interpret(read_answer(answer), datetime(2026, 11, 20, 16, 0, tzinfo=UTC))
    assert (result.failure, result.retry_after) == (Failure.quota, 86400)


async def test_a_gateway_error_is_transient(
    channel: WeChatTemplateChannel, wechat: FakeWeChat
) -> None:
    wechat.fail_next_http(1, status=502)
    result = await channel.send(outgoing())
    assert (result.failure, result.code) == (Failure.transient, "http_502")


async def test_an_answer_lost_after_sending_is_resent_without_a_second_message(
    channel: WeChatTemplateChannel, wechat: FakeWeChat
) -> None:
    wechat.hang_next(1, seconds=5)
    message = outgoing(key="d-lost")
    lost = await channel.send(message)
    assert (lost.ok, lost.failure, lost.code) == (False, Failure.transient, "timeout")
    assert "client_msg_id" in (lost.detail or "")
    resent = await channel.send(message)
    assert resent.ok
    assert len(wechat.messages) == 1
    assert resent.provider_id == str(wechat.messages[0]["msgid"])


async def test_the_fake_sends_one_message_per_openid_and_client_msg_id(
    channel: WeChatTemplateChannel, wechat: FakeWeChat
) -> None:
    first = await channel.send(outgoing(key="same"))
    again = await channel.send(outgoing(key="same"))
    other = await channel.send(outgoing("oAbc123follower-2", key="same"))
    assert first.provider_id == again.provider_id != other.provider_id
    assert [m["touser"] for m in wechat.messages] == [FOLLOWER, "oAbc123follower-2"]


async def test_tokens_and_secrets_stay_out_of_log_lines_and_results(
    channel: WeChatTemplateChannel, wechat: FakeWeChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    results: list[SendResult] = [await channel.send(outgoing(key="a"))]
    wechat.revoke_tokens()
    wechat.fail_next(1, errcode=-1)
    results.append(await channel.send(outgoing(key="b")))
    assert len(wechat.issued) == 2
    assert "access_token=***" in caplog.text
    for secret in (*wechat.issued, APP_SECRET):
        assert secret not in caplog.text
        assert all(secret not in repr(result) for result in results)


async def test_the_channel_exists_only_when_app_id_and_secret_are_configured() -> None:
    async with httpx.AsyncClient() as client:
        base = NotifySettings(environment="test", wechat_base_url="http://127.0.0.1:1")
        assert WeChatTemplateChannel.from_settings(base, client) is None
        configured = base.model_copy(
            update={
                "wechat_app_id": APP_ID,
                "wechat_app_secret": SecretStr(APP_SECRET),
                "wechat_templates": {"incident_resolved": RESOLVED},
            }
        )
        channel = WeChatTemplateChannel.from_settings(configured, client)
    assert channel is not None
    assert channel.templates == {"incident_resolved": RESOLVED}


async def test_the_fake_refuses_a_stable_token_request_for_another_account(
    client: httpx.AsyncClient, wechat: FakeWeChat
) -> None:
    body = {"grant_type": "client_credential", "appid": "wx-other", "secret": APP_SECRET}
    answer = await client.post("/cgi-bin/stable_token", json=body)
    assert answer.json()["errcode"] == 40013
    same = {**body, "appid": APP_ID}
    first = (await client.post("/cgi-bin/stable_token", json=same)).json()
    second = (await client.post("/cgi-bin/stable_token", json=same)).json()
    assert first["access_token"] == second["access_token"]  # normal mode: the same token
    forced = (
        await client.post("/cgi-bin/stable_token", json={**same, "force_refresh": True})
    ).json()
    assert forced["access_token"] != first["access_token"]
