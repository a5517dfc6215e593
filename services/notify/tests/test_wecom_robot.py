"""The WeCom group-robot channel against a local fake that speaks the robot's protocol."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from notify_factories import ROBOT_KEY

from notify.channels.base import Outgoing
from notify.channels.wecom_robot import MARKDOWN_LIMIT_BYTES, WeComRobotChannel, interpret
from notify.messages.addresses import key_fingerprint
from notify.templates import Rendered
from pingan_shared.http import create_http_client
from pingan_shared.testing import free_port
from pingan_shared.testing.fake_wecom import FakeWeComRobot


def outgoing(key: str = ROBOT_KEY, markdown: str = "**【平安】** 测试") -> Outgoing:
    return Outgoing(
        delivery_id=uuid.uuid4(),
        message_key="m1",
        recipient_index=0,
        address=key,
        display_address=key_fingerprint(key),
        content=Rendered(markdown=markdown, text="测试"),
    )


@pytest.fixture
async def channel(robot: FakeWeComRobot) -> AsyncIterator[WeComRobotChannel]:
    async with create_http_client(robot.url, timeout=2) as client:
        yield WeComRobotChannel(client)


async def test_a_message_is_posted_as_markdown_and_errcode_0_is_success(
    channel: WeComRobotChannel, robot: FakeWeComRobot
) -> None:
    result = await channel.send(outgoing())
    assert result.ok
    assert robot.messages == [
        {
            "key": ROBOT_KEY,
            "body": {"msgtype": "markdown", "markdown": {"content": "**【平安】** 测试"}},
        }
    ]


async def test_an_unknown_key_is_a_failure_inside_http_200_and_not_retried(
    channel: WeComRobotChannel, robot: FakeWeComRobot
) -> None:
    result = await channel.send(outgoing(key="not-a-robot"))
    assert (result.ok, result.retryable, result.code, result.http_status) == (
        False,
        False,
        "93000",
        200,
    )
    assert "not-a-robot" not in (result.detail or "")
    assert robot.messages == []


async def test_rate_limiting_is_retryable(
    channel: WeComRobotChannel, robot: FakeWeComRobot
) -> None:
    robot.fail_next(1)
    result = await channel.send(outgoing())
    assert (result.ok, result.retryable, result.code) == (False, True, "45009")
    assert (await channel.send(outgoing())).ok


async def test_long_content_is_cut_visibly_to_the_robot_limit(
    channel: WeComRobotChannel, robot: FakeWeComRobot
) -> None:
    result = await channel.send(outgoing(markdown="巡" * 3000))
    assert result.ok
    content = robot.messages[0]["body"]["markdown"]["content"]
    assert len(content.encode()) <= MARKDOWN_LIMIT_BYTES
    assert content.endswith("…(截断)")


async def test_an_unreachable_robot_is_retryable() -> None:
    async with create_http_client(f"http://127.0.0.1:{free_port()}", retries=0) as client:
        result = await WeComRobotChannel(client).send(outgoing())
    assert (result.ok, result.retryable, result.code) == (False, True, "transport")


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (503, b"busy", True),
        (429, b"", True),
        (404, b"<html>not found</html>", False),
        (200, b'{"errcode": -1, "errmsg": "system busy"}', True),
        (200, b'{"errcode": 40058, "errmsg": "invalid Request Parameter"}', False),
    ],
)
def test_answers_other_than_errcode_0_are_failures(
    status: int, body: bytes, retryable: bool
) -> None:
    result = interpret(httpx.Response(status, content=body), ROBOT_KEY)
    assert not result.ok
    assert result.retryable is retryable


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"msgtype": "text", "text": {"content": "值班提醒"}}, 0),
        ({"msgtype": "text", "text": {"content": "警" * 700}}, 40058),  # 2100 bytes > 2048
        ({"msgtype": "markdown", "markdown": {"content": ""}}, 44004),
        ({"msgtype": "news", "news": {"articles": []}}, 40008),
    ],
)
async def test_the_fake_robot_checks_bodies_as_wecom_documents(
    robot: FakeWeComRobot, body: dict[str, object], errcode: int
) -> None:
    async with httpx.AsyncClient(base_url=robot.url) as client:
        answer = await client.post(f"/cgi-bin/webhook/send?key={ROBOT_KEY}", json=body)
    assert answer.status_code == 200
    assert answer.json()["errcode"] == errcode
    assert len(robot.messages) == (1 if errcode == 0 else 0)
