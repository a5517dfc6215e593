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
    """The channels whose provider is configured (the log channel always is)."""
    channels = {Channel.log}
    if settings.wecom_base_url:
        channels.add(Channel.wecom_robot)
    # SMS, WeCom application and WeChat channels join here once they exist.
    return frozenset(channels)


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
