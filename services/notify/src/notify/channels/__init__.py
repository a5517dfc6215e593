"""Delivery channels (通知渠道): the interface, the implementations, and routing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from notify.channels.base import ChannelSender, Outgoing, SendResult
from notify.channels.log import LogChannel
from notify.channels.routing import Route, Router
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
    install_log_redaction()  # robot keys travel in request URLs, which httpx logs
    async with AsyncExitStack() as stack:
        senders: Senders = {Channel.log: LogChannel()}
        if settings.wecom_base_url:
            client = create_http_client(
                settings.wecom_base_url, timeout=settings.provider_timeout_seconds
            )
            stack.push_async_callback(client.aclose)
            senders[Channel.wecom_robot] = WeComRobotChannel(client)
        yield senders
