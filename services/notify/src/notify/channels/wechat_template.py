"""WeChat official account template messages (微信公众号模板消息):
`POST /cgi-bin/message/template/send?access_token=`, one follower (openid) per call.

Our template code maps to the account's `template_id` (`settings.wechat_templates`); the mapping's
parameter names become the `data` keys, `{"name": {"value": ...}}`. A template's keywords need not
be our names: `"thing2=title"` sends our `title` as the keyword `thing2`.

`client_msg_id` is the delivery key: WeChat sends one message per openid and `client_msg_id`
within 10 minutes, so a send whose answer was lost (a read timeout) is resent as transient.
Whether a message reached the follower comes later, as the `TEMPLATESENDJOBFINISH` event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
    wechat_token_fetcher,
)
from notify.channels.base import Failure, Outgoing, SendResult
from notify.config import NotifySettings
from notify.templates import ProviderTemplate
from pingan_shared.contracts.messages import Channel

SEND_PATH = "/cgi-bin/message/template/send"
DAILY_QUOTA = 45009  # "reach max api daily quota limit": reopens at midnight, Beijing time
MINUTE_QUOTA = 45011  # "api minute-quota reach limit"
PROVIDER_TIMEZONE = ZoneInfo("Asia/Shanghai")


class WeChatTemplateChannel:
    """Sends template messages to an official account's followers by openid."""

    channel = Channel.wechat_template

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        tokens: AccessTokenCache,
        templates: Mapping[str, ProviderTemplate],
    ) -> None:
        install_credential_redaction()  # the token rides in every request URL
        self.client = client
        self.tokens = tokens
        self.templates = dict(templates)

    @classmethod
    def from_settings(
        cls, settings: NotifySettings, client: httpx.AsyncClient
    ) -> WeChatTemplateChannel | None:
        """The channel of the configured account, or None unless its app id and secret are set."""
        app_id, secret = settings.wechat_app_id, settings.wechat_app_secret
        if not (settings.wechat_base_url and app_id and secret):
            return None
        tokens = AccessTokenCache(wechat_token_fetcher(client, app_id, secret))
        return cls(client, tokens=tokens, templates=settings.wechat_templates)

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Send one delivery to the follower whose openid is its address."""
        template = self.templates.get(outgoing.template)
        if template is None:
            return SendResult(
                ok=False,
                failure=Failure.permanent,
                code="template_not_approved",
                detail=f"no WeChat template for {outgoing.template!r}",
            )
        body = {
            "touser": outgoing.address,
            "template_id": template.code,
            "data": template_data(template, outgoing.params),
            "client_msg_id": outgoing.key,
        }
        try:
            response = await post_with_token(self.client, self.tokens, SEND_PATH, body)
        except TokenUnavailableError as exc:
            return exc.result
        except httpx.TransportError as exc:
            return after_send_failure(exc, "WeChat's client_msg_id (10 min)")
        return interpret(read_answer(response))


def template_data(template: ProviderTemplate, params: Mapping[str, str]) -> dict[str, Any]:
    """The `data` of a template message: each keyword with its value (absent ones empty)."""
    data: dict[str, Any] = {}
    for entry in template.params:
        keyword, _, name = entry.partition("=")
        data[keyword] = {"value": params.get(name or keyword, "")}
    return data


def interpret(answer: Answer | SendResult, now: datetime | None = None) -> SendResult:
    """The result of a template send from WeChat's answer."""
    if isinstance(answer, SendResult):
        return answer
    if answer.errcode == 0:
        msgid = answer.body.get("msgid")
        return SendResult(
            ok=True, provider_id=None if msgid is None else str(msgid), code="0", http_status=200
        )
    if answer.errcode == DAILY_QUOTA:
        return refusal(answer, Failure.quota, retry_after=seconds_to_midnight(now))
    if answer.errcode == MINUTE_QUOTA:
        return refusal(answer, Failure.quota, retry_after=60)
    # A token refused even after a fresh one was fetched: try again later, not never.
    if answer.errcode == SYSTEM_BUSY or answer.errcode in TOKEN_REFUSED:
        return refusal(answer, Failure.transient)
    # Not following the account (43004), an openid of another account (40003), a template the
    # account no longer has (40037), data the template refuses (47003), no permission (48001).
    return refusal(answer, Failure.permanent)


def seconds_to_midnight(now: datetime | None = None) -> float:
    """Seconds until WeChat's daily quotas reopen (midnight in China)."""
    local = (now or datetime.now(UTC)).astimezone(PROVIDER_TIMEZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    return (midnight - local).total_seconds()
