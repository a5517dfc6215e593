"""What a list of deliveries is narrowed to: states, channels, recipient, source and a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import AwareDatetime

from notify.messages.models import DeliveryState
from pingan_shared.contracts.messages import Channel
from pingan_shared.errors import field_error


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    """The deliveries a list or a bulk re-drive takes; an empty tuple or None means any."""

    states: tuple[DeliveryState, ...] = ()
    channels: tuple[Channel, ...] = ()
    target: str | None = None  # the raw address (phone, user id, openid, robot key)
    source: str | None = None  # the producing service, as its messages say
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def checked_period(
    since: datetime | None, until: datetime | None, field: str = "query.from"
) -> tuple[datetime | None, datetime | None]:
    """`(since, until)` when the period is not empty; a 422 naming `field` otherwise."""
    if since is not None and until is not None and since >= until:
        raise field_error(field, "must be before `to`", "empty_period")
    return since, until


Channels = Annotated[
    list[Channel] | None, Query(alias="channel", description="Only these channels (repeatable)")
]
Source = Annotated[
    str | None,
    Query(max_length=100, description="Only messages from this producer (the message's source)"),
]
Since = Annotated[AwareDatetime | None, Query(alias="from", description="Start (inclusive)")]
Until = Annotated[AwareDatetime | None, Query(alias="to", description="End (exclusive)")]


def delivery_filter(
    state: Annotated[
        list[DeliveryState] | None, Query(description="Only these states (repeatable)")
    ] = None,
    channels: Channels = None,
    recipient: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Only this address as the message gave it: phone, WeCom user id, openid",
        ),
    ] = None,
    source: Source = None,
    since: Since = None,
    until: Until = None,
) -> DeliveryFilter:
    """Dependency: the list filters of `GET /v1/deliveries`, the period checked."""
    since, until = checked_period(since, until)
    return DeliveryFilter(
        states=tuple(state or ()),
        channels=tuple(channels or ()),
        target=recipient.strip() if recipient else None,
        source=source,
        since=since,
        until=until,
    )


def dead_letter_filter(
    channels: Channels = None,
    source: Source = None,
    since: Since = None,
    until: Until = None,
) -> DeliveryFilter:
    """Dependency: the filters of `GET /v1/dead-letters` (the period is when they were given up)."""
    since, until = checked_period(since, until)
    return DeliveryFilter(
        states=(DeliveryState.dead,),
        channels=tuple(channels or ()),
        source=source,
        since=since,
        until=until,
    )
