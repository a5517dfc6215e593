"""Which channel reaches a recipient: the first preferred channel it has an address on that is
configured here; in development an unconfigured channel delivers through `log` instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from notify.config import NotifySettings
from pingan_shared.contracts.messages import Channel, Recipient


@dataclass(frozen=True, slots=True)
class Route:
    """The channel a recipient gets and the address used on it."""

    channel: Channel
    address: str


def configured_channels(settings: NotifySettings) -> frozenset[Channel]:
    """The channels whose provider is configured (the log channel always is); the same tests as
    the channels' own `from_settings`."""
    secret = settings.aliyun_access_key_secret
    tencent_key = settings.tencent_secret_key
    configured = {
        Channel.log: True,
        Channel.wecom_robot: bool(settings.wecom_base_url),
        Channel.wecom_app: bool(
            settings.wecom_base_url
            and settings.wecom_corp_id
            and settings.wecom_app_secret
            and settings.wecom_agent_id is not None
        ),
        Channel.wechat_template: bool(
            settings.wechat_base_url and settings.wechat_app_id and settings.wechat_app_secret
        ),
        Channel.aliyun_sms: bool(
            settings.aliyun_sms_base_url
            and settings.aliyun_access_key_id
            and secret
            and secret.get_secret_value()
            and settings.aliyun_sign_name
        ),
        Channel.tencent_sms: bool(
            settings.tencent_sms_base_url
            and settings.tencent_secret_id
            and tencent_key
            and settings.tencent_sms_app_id
            and settings.tencent_sign_name
        ),
    }
    return frozenset(channel for channel, ok in configured.items() if ok)


@dataclass(frozen=True, slots=True)
class Router:
    """Routes recipients over the configured channels."""

    configured: frozenset[Channel]
    development: bool

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> Router:
        """The router of this process's configuration."""
        return cls(configured_channels(settings), settings.is_development)

    def route(self, recipient: Recipient, preferences: Sequence[Channel]) -> Route | None:
        """The route of `recipient`, or None when no configured channel reaches it."""
        for preferred in preferences:
            address = recipient.address_for(preferred)
            if not address:
                continue
            if preferred in self.configured:
                return Route(preferred, address)
            if self.development:
                return Route(Channel.log, address)
        return None
