"""How deliveries are shown in a list: the message's fields beside each, never its target."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from notify.deliveries.repository import Listed, Order, stamp_of
from notify.deliveries.schemas import DeliveryRow
from notify.messages.models import DeliveryAttempt
from notify.messages.presenter import present_delivery
from pingan_shared.pagination import Page, encode_cursor


def present_row(listed: Listed, history: Sequence[DeliveryAttempt] | None = None) -> DeliveryRow:
    """A listed delivery as the API answers it; its attempts when `history` is given."""
    shown = present_delivery(listed.delivery, history)
    return DeliveryRow(
        **shown.model_dump(),
        message_id=listed.delivery.message_id,
        template=listed.template,
        priority=listed.priority,
        source=listed.source,
    )


def page_of(
    listed: Sequence[Listed],
    limit: int,
    order: Order,
    history: Mapping[uuid.UUID, Sequence[DeliveryAttempt]] | None = None,
) -> Page[DeliveryRow]:
    """One page of a list fetched with `limit + 1` rows: the extra row says another page follows."""
    shown = listed[:limit]
    next_cursor = None
    if len(listed) > limit:
        last = shown[-1].delivery
        next_cursor = encode_cursor([stamp_of(last, order).isoformat(), str(last.id)])
    return Page[DeliveryRow](
        items=[
            present_row(row, None if history is None else history[row.delivery.id]) for row in shown
        ],
        next_cursor=next_cursor,
    )
