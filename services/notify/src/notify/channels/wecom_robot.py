"""WeCom group robot (企业微信群机器人, 消息推送): `POST /cgi-bin/webhook/send?key=KEY`.

Success is `errcode == 0` in the JSON body, not HTTP 200 alone. Frequency limits (45009), system
busy (-1), 5xx and timeouts are worth retrying; other error codes are not.
"""

from __future__ import annotations

from typing import Any

import httpx

from notify.channels.base import Failure, Outgoing, SendResult, transport_failure, truncate_utf8
from pingan_shared.contracts.messages import Channel

SEND_PATH = "/cgi-bin/webhook/send"
MARKDOWN_LIMIT_BYTES = 4096
RETRYABLE_ERRCODES = frozenset({-1, 45009})  # system busy; api freq out of limit


def markdown_body(content: str) -> dict[str, Any]:
    """The JSON body of a markdown message, cut to the robot's limit."""
    return {
        "msgtype": "markdown",
        "markdown": {"content": truncate_utf8(content, MARKDOWN_LIMIT_BYTES)},
    }


class WeComRobotChannel:
    """Posts markdown messages to group robots through a client on the WeCom base URL."""

    channel = Channel.wecom_robot

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Post one message to the robot whose key is the delivery's address."""
        key = outgoing.address
        try:
            response = await self.client.post(
                SEND_PATH, params={"key": key}, json=markdown_body(outgoing.content.markdown)
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return transport_failure(exc, request_sent=False)
        except httpx.TransportError as exc:
            # A robot has no way to ask whether a message arrived, and a repeat in a group chat
            # is cheaper than a lost alert: retried, not treated as ambiguous.
            return transport_failure(exc, request_sent=False)
        return interpret(response, key)


def interpret(response: httpx.Response, key: str) -> SendResult:
    """Read the robot's answer; the key is scrubbed from anything kept."""
    status = response.status_code
    if status >= 500 or status == 429:
        return SendResult(
            ok=False, failure=Failure.transient, code=f"http_{status}", http_status=status
        )
    try:
        answer = response.json()
        errcode = int(answer["errcode"])
        errmsg = str(answer.get("errmsg", ""))
    except (ValueError, KeyError, TypeError):
        return SendResult(
            ok=False,
            failure=Failure.permanent,
            code=f"http_{status}",
            detail="not a WeCom answer",
            http_status=status,
        )
    if errcode == 0 and status == 200:
        return SendResult(ok=True, code="0", http_status=status)
    return SendResult(
        ok=False,
        failure=_failure(errcode),
        code=str(errcode),
        detail=(errmsg.replace(key, "***") if key else errmsg)[:500],
        http_status=status,
    )


def _failure(errcode: int) -> Failure:
    if errcode == 45009:
        return Failure.quota
    return Failure.transient if errcode in RETRYABLE_ERRCODES else Failure.permanent
