"""Delivery channels (通知渠道): the interface, the implementations, and routing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx

from notify.channels import aliyun_sms, tencent_sms
from notify.channels.base import ChannelSender, Outgoing, SendResult
from notify.channels.log import LogChannel
from notify.channels.routing import Route, Router, configured_channels
from notify.channels.wechat_template import WeChatTemplateChannel
from notify.channels.wecom_app import WeComAppChannel
from notify.channels.wecom_robot import WeComRobotChannel
from notify.config import NotifySettings
from notify.redaction import install_log_redaction
from pingan_shared.contracts.messages import Channel
from pingan_shared.http import create_http_client

Senders = dict[Channel, ChannelSender]

__all__ = ["ChannelSender", "Outgoing", "Route", "Router", "SendResult", "Senders", "open_senders"]


@asynccontextmanager
async def open_senders(settings: NotifySettings) -> AsyncIterator[Senders]:
    """The senders of every configured channel, with their HTTP clients closed afterwards."""
    install_log_redaction()  # robot keys and access tokens travel in request URLs
    async with AsyncExitStack() as stack:

        def client(base_url: str) -> httpx.AsyncClient:
            opened = create_http_client(base_url, timeout=settings.provider_timeout_seconds)
            stack.push_async_callback(opened.aclose)
            return opened

        configured = configured_channels(settings)
        senders: Senders = {Channel.log: LogChannel()}
        if settings.wecom_base_url:
            wecom = client(settings.wecom_base_url)
            senders[Channel.wecom_robot] = WeComRobotChannel(wecom)
            if Channel.wecom_app in configured:
                senders[Channel.wecom_app] = _made(WeComAppChannel.from_settings(settings, wecom))
        if Channel.wechat_template in configured and settings.wechat_base_url:
            wechat = client(settings.wechat_base_url)
            senders[Channel.wechat_template] = _made(
                WeChatTemplateChannel.from_settings(settings, wechat)
            )
        if Channel.aliyun_sms in configured and settings.aliyun_sms_base_url:
            aliyun = client(settings.aliyun_sms_base_url)
            senders[Channel.aliyun_sms] = _made(aliyun_sms.from_settings(settings, aliyun))
        if Channel.tencent_sms in configured and settings.tencent_sms_base_url:
            tencent = client(settings.tencent_sms_base_url)
            senders[Channel.tencent_sms] = _made(tencent_sms.from_settings(settings, tencent))
        yield senders


def _made(sender: ChannelSender | None) -> ChannelSender:
    # `configured_channels` and the channels' `from_settings` apply the same test.
    assert sender is not None
    return sender
