"""WeCom application messages (企业微信应用消息): `POST /cgi-bin/message/send?access_token=`.

One call reaches up to 1000 members (`touser` "a|b|c") with the same content. The answer lists
the members it could not reach (`invaliduser`, `unlicenseduser`, lower-cased as WeCom answers
them); the others got the message under the call's `msgid`. When no member could be reached the
whole call fails with 81013.

`enable_duplicate_check` is always on: WeCom does not deliver a request whose JSON equals one it
took within `duplicate_check_interval` seconds (default 1800, at most 4 hours). The body is built
the same way every time, so a send whose answer was lost (a read timeout) is resent as transient:
inside the interval the resend cannot reach anyone twice. The same check also swallows a
deliberate repeat of identical content to the same members inside the interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import httpx

from notify.channels.access_token import (
    SYSTEM_BUSY,
    TOKEN_REFUSED,
    AccessTokenCache,
    Answer,
    TokenUnavailableError,
    after_send_failure,
    install_credential_redaction,
    post_with_token,
    read_answer,
    refusal,
    wecom_token_fetcher,
)
from notify.channels.base import Failure, Outgoing, SendResult, sequence_of, truncate_utf8
from notify.config import NotifySettings
from pingan_shared.contracts.messages import Channel

SEND_PATH = "/cgi-bin/message/send"
CONTENT_LIMIT_BYTES = 2048  # text and markdown alike
MAX_USERS_PER_CALL = 1000
DEFAULT_DUPLICATE_CHECK_SECONDS = 1800
MAX_DUPLICATE_CHECK_SECONDS = 4 * 3600
ALL_INVALID = 81013
# 45009: API frequency limit (per minute and per hour); 45033: too many concurrent calls.
QUOTA_RETRY_AFTER = {45009: 60.0, 45033: 10.0}

MessageType = Literal["markdown", "text"]


class WeComAppChannel:
    """Sends an application's messages to members by user id (成员 UserID)."""

    channel = Channel.wecom_app
    max_batch = MAX_USERS_PER_CALL

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        tokens: AccessTokenCache,
        agent_id: int,
        msgtype: MessageType = "markdown",
        duplicate_check_interval: int = DEFAULT_DUPLICATE_CHECK_SECONDS,
    ) -> None:
        if not 0 < duplicate_check_interval <= MAX_DUPLICATE_CHECK_SECONDS:
            raise ValueError("duplicate_check_interval must be 1 to 14400 seconds")
        install_credential_redaction()  # the token rides in every request URL
        self.client = client
        self.tokens = tokens
        self.agent_id = agent_id
        self.msgtype = msgtype
        self.duplicate_check_interval = duplicate_check_interval

    @classmethod
    def from_settings(
        cls, settings: NotifySettings, client: httpx.AsyncClient
    ) -> WeComAppChannel | None:
        """The channel of the configured app, or None unless corp id, secret and agent id are set."""
        corp_id, secret = settings.wecom_corp_id, settings.wecom_app_secret
        agent_id = settings.wecom_agent_id
        if not (settings.wecom_base_url and corp_id and secret and agent_id is not None):
            return None
        tokens = AccessTokenCache(wecom_token_fetcher(client, corp_id, secret))
        return cls(client, tokens=tokens, agent_id=agent_id)

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Send one delivery to the member whose user id is its address."""
        return (await self.send_batch([outgoing]))[0]

    async def send_batch(self, outgoings: Sequence[Outgoing]) -> list[SendResult]:
        """Send deliveries of the same content, up to 1000 members a call; a result for each."""
        if len({outgoing.content for outgoing in outgoings}) > 1:
            raise ValueError("a batch shares one content")
        results: list[SendResult] = []
        for start in range(0, len(outgoings), MAX_USERS_PER_CALL):
            results.extend(await self._call(outgoings[start : start + MAX_USERS_PER_CALL]))
        return sequence_of(results, len(outgoings))

    def body(self, outgoings: Sequence[Outgoing]) -> dict[str, Any]:
        """The request body: the same members and content always give the same JSON."""
        users = list(dict.fromkeys(outgoing.address for outgoing in outgoings))
        content = outgoings[0].content
        text = content.markdown if self.msgtype == "markdown" else content.text
        return {
            "touser": "|".join(users),
            "msgtype": self.msgtype,
            "agentid": self.agent_id,
            self.msgtype: {"content": truncate_utf8(text, CONTENT_LIMIT_BYTES)},
            "enable_duplicate_check": 1,
            "duplicate_check_interval": self.duplicate_check_interval,
        }

    async def _call(self, outgoings: Sequence[Outgoing]) -> list[SendResult]:
        try:
            response = await post_with_token(
                self.client, self.tokens, SEND_PATH, self.body(outgoings)
            )
        except TokenUnavailableError as exc:
            return [exc.result] * len(outgoings)
        except httpx.TransportError as exc:
            guard = f"WeCom's duplicate check ({self.duplicate_check_interval} s)"
            return [after_send_failure(exc, guard)] * len(outgoings)
        return per_member(read_answer(response), outgoings)


def per_member(answer: Answer | SendResult, outgoings: Sequence[Outgoing]) -> list[SendResult]:
    """Each delivery's result from the answer to the call that carried it."""
    if isinstance(answer, SendResult):
        return [answer] * len(outgoings)
    if answer.errcode != 0:
        return [_refused(answer)] * len(outgoings)
    unreachable = {
        field: {user.lower() for user in str(answer.body.get(field) or "").split("|") if user}
        for field in ("invaliduser", "unlicenseduser")
    }
    msgid = str(answer.body.get("msgid") or "") or None
    results = []
    for outgoing in outgoings:
        field = next(
            (f for f, users in unreachable.items() if outgoing.address.lower() in users), None
        )
        if field is None:
            results.append(SendResult(ok=True, provider_id=msgid, code="0", http_status=200))
        else:
            results.append(
                SendResult(
                    ok=False,
                    failure=Failure.permanent,
                    code=field,
                    detail=f"WeCom could not reach this member ({field})",
                    http_status=answer.status,
                )
            )
    return results


def _refused(answer: Answer) -> SendResult:
    if answer.errcode in QUOTA_RETRY_AFTER:
        return refusal(answer, Failure.quota, retry_after=QUOTA_RETRY_AFTER[answer.errcode])
    # A token refused even after a fresh one was fetched: try again later, not never.
    if answer.errcode == SYSTEM_BUSY or answer.errcode in TOKEN_REFUSED:
        return refusal(answer, Failure.transient)
    return refusal(answer, Failure.permanent)  # 81013 all unreachable, 40056 bad agentid …
