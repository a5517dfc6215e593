"""The WeCom application channel (企业微信应用消息) and its token cache against a local fake."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import notify_fake_wecom_app
import pytest
from notify_fake_wecom_app import AGENT_ID, APP_SECRET, CORP_ID, FakeWeComApp
from pydantic import SecretStr

from notify.channels.access_token import AccessTokenCache, wecom_token_fetcher
from notify.channels.base import BatchSender, Failure, Outgoing, SendResult
from notify.channels.wecom_app import CONTENT_LIMIT_BYTES, MessageType, WeComAppChannel
from notify.config import NotifySettings
from notify.templates import Rendered
from pingan_shared.http import create_http_client
from pingan_shared.testing import free_port

MARKDOWN = "**【平安】新警情** 南街社区 · 盗窃\n> 电动车被盗"

# The fake's fixtures: one server for the run, reset for each test.
fake_wecom_app = notify_fake_wecom_app.fake_wecom_app
wecom_app = notify_fake_wecom_app.wecom_app


def outgoing(user: str = "zhangsan", markdown: str = MARKDOWN, text: str = "新警情") -> Outgoing:
    return Outgoing(
        delivery_id=uuid.uuid4(),
        message_key="m1",
        recipient_index=0,
        address=user,
        display_address=user,
        content=Rendered(markdown=markdown, text=text),
    )


def channel_for(
    client: httpx.AsyncClient,
    *,
    secret: str = APP_SECRET,
    clock: Callable[[], float] = time.monotonic,
    msgtype: MessageType = "markdown",
) -> WeComAppChannel:
    tokens = AccessTokenCache(wecom_token_fetcher(client, CORP_ID, SecretStr(secret)), clock=clock)
    return WeComAppChannel(client, tokens=tokens, agent_id=AGENT_ID, msgtype=msgtype)


@pytest.fixture
async def client(wecom_app: FakeWeComApp) -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client(wecom_app.url, timeout=1) as client:
        yield client


@pytest.fixture
def channel(client: httpx.AsyncClient) -> WeComAppChannel:
    return channel_for(client)


async def test_a_message_goes_to_the_member_as_markdown_with_the_duplicate_check_on(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    result = await channel.send(outgoing())
    assert result.ok
    assert result.provider_id == wecom_app.messages[0]["msgid"]
    assert wecom_app.messages[0]["body"] == {
        "touser": "zhangsan",
        "msgtype": "markdown",
        "agentid": AGENT_ID,
        "markdown": {"content": MARKDOWN},
        "enable_duplicate_check": 1,
        "duplicate_check_interval": 1800,
    }
    assert wecom_app.token_calls == 1


async def test_text_messages_are_cut_visibly_to_2048_bytes(
    client: httpx.AsyncClient, wecom_app: FakeWeComApp
) -> None:
    result = await channel_for(client, msgtype="text").send(outgoing(text="警" * 1000))
    assert result.ok
    (content,) = wecom_app.received("zhangsan")
    assert len(content.encode()) <= CONTENT_LIMIT_BYTES
    assert content.endswith("…(截断)")


async def test_twenty_concurrent_sends_share_one_token_request(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    results = await asyncio.gather(*(channel.send(outgoing(markdown=str(i))) for i in range(20)))
    assert all(result.ok for result in results)
    assert wecom_app.token_calls == 1
    assert len(wecom_app.messages) == 20


@pytest.mark.parametrize("lose_token", [FakeWeComApp.revoke_tokens, FakeWeComApp.expire_tokens])
async def test_a_revoked_or_expired_token_is_replaced_once_and_the_message_resent(
    channel: WeComAppChannel, wecom_app: FakeWeComApp, lose_token: Callable[[FakeWeComApp], None]
) -> None:
    assert (await channel.send(outgoing(markdown="第一条"))).ok
    lose_token(wecom_app)
    assert (await channel.send(outgoing(markdown="第二条"))).ok
    assert wecom_app.token_calls == 2  # one refresh
    assert wecom_app.send_calls == 3  # the refused send and its one resend
    assert wecom_app.received("zhangsan") == ["第一条", "第二条"]


async def test_the_token_is_renewed_five_minutes_before_it_expires(
    client: httpx.AsyncClient, wecom_app: FakeWeComApp
) -> None:
    now = [1000.0]
    channel = channel_for(client, clock=lambda: now[0])
    assert (await channel.send(outgoing(markdown="一"))).ok
    now[0] += 7200 - 300 - 1
    assert (await channel.send(outgoing(markdown="二"))).ok
    assert wecom_app.token_calls == 1
    now[0] += 2
    assert (await channel.send(outgoing(markdown="三"))).ok
    assert wecom_app.token_calls == 2


async def test_a_wrong_secret_fails_every_waiting_send_for_good_after_one_request(
    client: httpx.AsyncClient, wecom_app: FakeWeComApp
) -> None:
    wrong = "not-the-secret-of-this-app"
    channel = channel_for(client, secret=wrong)
    results = await asyncio.gather(*(channel.send(outgoing()) for _ in range(20)))
    assert {(r.ok, r.failure, r.code) for r in results} == {(False, Failure.permanent, "40001")}
    assert wecom_app.token_calls == 1
    assert wecom_app.send_calls == 0
    assert wrong not in (results[0].detail or "")


async def test_a_token_service_without_an_answer_is_retried_later(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    wecom_app.fail_next_token(1, errcode=-1)
    busy = await channel.send(outgoing())
    assert (busy.failure, busy.code) == (Failure.transient, "-1")
    assert (await channel.send(outgoing())).ok  # the failure was not cached
    async with create_http_client(f"http://127.0.0.1:{free_port()}", retries=0) as nowhere:
        unreachable = await channel_for(nowhere).send(outgoing())
    assert (unreachable.failure, unreachable.code) == (Failure.transient, "transport")


async def test_a_batch_reaches_the_valid_members_and_fails_the_others_one_by_one(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    wecom_app.unlicensed.add("lisi")
    users = ["ZhangSan", "nobody", "lisi", "wangwu"]
    results = await channel.send_batch([outgoing(user) for user in users])
    assert [(r.ok, r.code) for r in results] == [
        (True, "0"),  # WeCom answers user ids lower-cased; ours keep their case
        (False, "invaliduser"),
        (False, "unlicenseduser"),
        (True, "0"),
    ]
    assert results[1].failure is Failure.permanent
    assert results[0].provider_id == results[3].provider_id == wecom_app.messages[0]["msgid"]
    assert wecom_app.messages[0]["body"]["touser"] == "ZhangSan|nobody|lisi|wangwu"
    assert wecom_app.messages[0]["touser"] == ["zhangsan", "wangwu"]
    assert wecom_app.send_calls == 1


async def test_a_batch_nobody_can_receive_fails_with_81013(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    results = await channel.send_batch([outgoing("nobody"), outgoing("ghost")])
    assert {(r.ok, r.failure, r.code) for r in results} == {(False, Failure.permanent, "81013")}
    assert wecom_app.messages == []


async def test_batches_over_1000_members_are_split(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    users = ["zhangsan", *(f"user{i:04d}" for i in range(999)), "lisi"]
    results = await channel.send_batch([outgoing(user) for user in users])
    assert wecom_app.send_calls == 2
    assert len(results) == 1001
    assert (results[0].ok, results[1].code, results[-1].ok) == (True, "invaliduser", True)
    assert [len(m["body"]["touser"].split("|")) for m in wecom_app.messages] == [1000, 1]


@pytest.mark.parametrize(
    ("script", "failure", "code", "retry_after"),
    [
        (lambda fake: fake.fail_next(1, errcode=-1), Failure.transient, "-1", None),
        (lambda fake: fake.fail_next(1, errcode=45009), Failure.quota, "45009", 60.0),
        (lambda fake: fake.fail_next(1, errcode=45033), Failure.quota, "45033", 10.0),
        (lambda fake: fake.fail_next(1, errcode=40056), Failure.permanent, "40056", None),
        (lambda fake: fake.fail_next_http(1, status=503), Failure.transient, "http_503", None),
    ],
)
async def test_failures_are_classified(
    channel: WeComAppChannel,
    wecom_app: FakeWeComApp,
    script: Callable[[FakeWeComApp], None],
    failure: Failure,
    code: str,
    retry_after: float | None,
) -> None:
    script(wecom_app)
    result = await channel.send(outgoing())
    assert (result.ok, result.failure, result.code) == (False, failure, code)
    assert result.retry_after == retry_after
    assert wecom_app.messages == []


async def test_a_token_refused_again_after_a_refresh_is_retried_later(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    wecom_app.fail_next(2, errcode=40014)
    result = await channel.send(outgoing())
    assert (result.failure, result.code) == (Failure.transient, "40014")
    assert (wecom_app.token_calls, wecom_app.send_calls) == (2, 2)  # one refresh, one resend


async def test_an_answer_lost_after_sending_is_resent_without_reaching_anyone_twice(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    wecom_app.hang_next(1, seconds=5)
    message = outgoing()
    lost = await channel.send(message)
    assert (lost.ok, lost.failure, lost.code) == (False, Failure.transient, "timeout")
    assert "duplicate check" in (lost.detail or "")
    resent = await channel.send(message)
    assert resent.ok
    assert wecom_app.received("zhangsan") == [MARKDOWN]
    assert resent.provider_id == wecom_app.messages[0]["msgid"]


async def test_the_fake_delivers_the_same_request_again_only_after_the_interval(
    channel: WeComAppChannel, wecom_app: FakeWeComApp
) -> None:
    now = [time.monotonic()]
    wecom_app.clock = lambda: now[0]
    assert (await channel.send(outgoing())).ok
    assert (await channel.send(outgoing())).ok
    assert len(wecom_app.received("zhangsan")) == 1
    now[0] += 1801
    assert (await channel.send(outgoing())).ok
    assert len(wecom_app.received("zhangsan")) == 2


async def test_tokens_and_secrets_stay_out_of_log_lines_and_results(
    channel: WeComAppChannel, wecom_app: FakeWeComApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    results: list[SendResult] = [await channel.send(outgoing())]
    wecom_app.revoke_tokens()
    results.append(await channel.send(outgoing(markdown="二")))
    assert len(wecom_app.issued) == 2
    assert "access_token=***" in caplog.text
    assert "corpsecret=***" in caplog.text
    for secret in (*wecom_app.issued, APP_SECRET):
        assert secret not in caplog.text
        assert all(secret not in repr(result) for result in results)


async def test_the_channel_exists_only_when_corp_secret_and_agent_are_configured() -> None:
    base = NotifySettings(environment="test", wecom_base_url="http://127.0.0.1:1")
    partial = base.model_copy(update={"wecom_corp_id": CORP_ID, "wecom_agent_id": AGENT_ID})
    configured = partial.model_copy(update={"wecom_app_secret": SecretStr(APP_SECRET)})
    async with httpx.AsyncClient() as client:
        assert WeComAppChannel.from_settings(base, client) is None
        assert WeComAppChannel.from_settings(partial, client) is None
        channel = WeComAppChannel.from_settings(configured, client)
    assert channel is not None
    assert channel.agent_id == AGENT_ID
    assert isinstance(channel, BatchSender)
    assert channel.max_batch == 1000


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"msgtype": "text", "text": {"content": "值班"}}, 0),
        ({"agentid": 1, "msgtype": "text", "text": {"content": "值班"}}, 40056),
        ({"msgtype": "news", "news": {"articles": []}}, 40008),
        ({"msgtype": "markdown", "markdown": {"content": ""}}, 44004),
        ({"msgtype": "text", "text": {"content": "警" * 700}}, 40058),  # 2100 bytes
        ({"msgtype": "text", "text": {"content": "值"}, "duplicate_check_interval": 14401}, 40058),
    ],
)
async def test_the_fake_checks_bodies_as_wecom_documents(
    client: httpx.AsyncClient, wecom_app: FakeWeComApp, body: dict[str, object], errcode: int
) -> None:
    token = await channel_for(client).tokens.get()
    full = {"touser": "zhangsan", "agentid": AGENT_ID, **body}
    answer = await client.post("/cgi-bin/message/send", params={"access_token": token}, json=full)
    assert answer.json()["errcode"] == errcode
    missing = await client.post("/cgi-bin/message/send", json=full)
    assert missing.json()["errcode"] == 41001
