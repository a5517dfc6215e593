"""Applying providers' delivery receipts (回执): `sent` deliveries become `delivered` or `failed`.

A receipt finds its delivery by our delivery key when the provider echoes it (Aliyun's `out_id`
of a single send is the delivery id), else by the provider's id on this channel; the deliveries
of one batch send share that id, and the receipt's phone tells them apart. A delivery only ever
moves forward: a repeated push, or a receipt for a delivery already settled, changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from prometheus_client import Counter
from sqlalchemy import DateTime, Text, Uuid, cast, column, func, insert, or_, select, update, values
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.channels.base import Failure, Receipt
from notify.messages.models import AttemptOutcome, Delivery, DeliveryAttempt, DeliveryState
from pingan_shared.contracts.messages import Channel

log = structlog.get_logger(__name__)

RECEIPTS = Counter(
    "pingan_notify_receipts_total",
    "Delivery receipts received, by channel and what they did",
    ["channel", "result"],
)
RECEIPT_NOTE = "delivery receipt"
CODE_LIMIT = 40
BEFORE_SENT = (DeliveryState.queued, DeliveryState.sending)


@dataclass(frozen=True, slots=True)
class ReceiptOutcome:
    """What one push of receipts did."""

    delivered: tuple[uuid.UUID, ...] = ()  # moved from sent to delivered
    failed: tuple[uuid.UUID, ...] = ()  # moved from sent to failed: candidates for a fallback
    # Matched a delivery not yet recorded as sent (a send whose answer we lost): it went out.
    early: tuple[uuid.UUID, ...] = ()
    unchanged: int = 0  # matched a delivery already settled (a repeated push)
    unknown: int = 0  # matched no delivery, or several that nothing told apart


@dataclass(frozen=True, slots=True)
class _Found:
    id: uuid.UUID
    provider_message_id: str | None
    target: str | None
    state: DeliveryState


@dataclass(slots=True)
class _Sorted:
    sent: dict[uuid.UUID, Receipt] = field(default_factory=dict)
    early: list[uuid.UUID] = field(default_factory=list)
    unchanged: int = 0
    unknown: int = 0


def _delivery_id(key: str | None) -> uuid.UUID | None:
    """The delivery a key names: single sends use the delivery id's hex; batch keys are not ids."""
    if not key:
        return None
    try:
        return uuid.UUID(hex=key)
    except ValueError:
        return None


def _number(phone: str | None) -> str | None:
    """A phone as its last 11 digits, whatever country prefix or separators it came with."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-11:] if len(digits) >= 11 else None


async def _candidates(
    session: AsyncSession, channel: Channel, receipts: Sequence[Receipt]
) -> list[_Found]:
    ids = {d for r in receipts if (d := _delivery_id(r.delivery_key)) is not None}
    provider_ids = {r.provider_id for r in receipts if r.provider_id}
    if not ids and not provider_ids:
        return []
    result = await session.execute(
        select(
            col(Delivery.id),
            col(Delivery.provider_message_id),
            col(Delivery.target),
            col(Delivery.state),
        ).where(
            col(Delivery.channel) == channel,
            or_(
                col(Delivery.id).in_(ids),
                col(Delivery.provider_message_id).in_(provider_ids),
            ),
        )
    )
    return [_Found(*row) for row in result.all()]


def _match(
    receipt: Receipt, by_id: dict[uuid.UUID, _Found], by_provider: dict[str, list[_Found]]
) -> _Found | None:
    key = _delivery_id(receipt.delivery_key)
    if key is not None and key in by_id:
        return by_id[key]
    found = by_provider.get(receipt.provider_id or "", [])
    if len(found) > 1:
        number = _number(receipt.phone)
        found = [f for f in found if number is not None and _number(f.target) == number]
    return found[0] if len(found) == 1 else None


def _sort(receipts: Sequence[Receipt], candidates: Sequence[_Found]) -> _Sorted:
    by_id = {f.id: f for f in candidates}
    by_provider: dict[str, list[_Found]] = {}
    for candidate in candidates:
        if candidate.provider_message_id:
            by_provider.setdefault(candidate.provider_message_id, []).append(candidate)
    sorted_ = _Sorted()
    for receipt in receipts:
        found = _match(receipt, by_id, by_provider)
        if found is None:
            sorted_.unknown += 1
        elif found.state == DeliveryState.sent and found.id not in sorted_.sent:
            sorted_.sent[found.id] = receipt  # the first receipt of a delivery in a push wins
        elif found.state in BEFORE_SENT:
            sorted_.early.append(found.id)
        else:
            sorted_.unchanged += 1
    return sorted_


async def _mark_delivered(
    session: AsyncSession, receipts: dict[uuid.UUID, Receipt]
) -> list[uuid.UUID]:
    if not receipts:
        return []
    incoming = values(
        column("id", Uuid()), column("at", DateTime(timezone=True)), name="incoming"
    ).data([(delivery_id, r.at) for delivery_id, r in receipts.items()])
    result = await session.execute(
        update(Delivery)
        .where(col(Delivery.id) == incoming.c.id, col(Delivery.state) == DeliveryState.sent)
        .values(
            state=DeliveryState.delivered,
            # A receipt without a time leaves a bare NULL in VALUES, which must be typed.
            delivered_at=func.coalesce(cast(incoming.c.at, DateTime(timezone=True)), func.now()),
            updated_at=func.now(),
        )
        .returning(col(Delivery.id))
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars())


async def _mark_failed(
    session: AsyncSession, receipts: dict[uuid.UUID, Receipt]
) -> list[uuid.UUID]:
    if not receipts:
        return []
    incoming = values(column("id", Uuid()), column("code", Text()), name="incoming").data(
        [(delivery_id, r.code) for delivery_id, r in receipts.items()]
    )
    result = await session.execute(
        update(Delivery)
        .where(col(Delivery.id) == incoming.c.id, col(Delivery.state) == DeliveryState.sent)
        .values(
            state=DeliveryState.failed,
            failure=Failure.permanent.value,
            last_error=incoming.c.code,
            updated_at=func.now(),
        )
        .returning(col(Delivery.id))
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars())


async def _record(
    session: AsyncSession, moved: Sequence[uuid.UUID], receipts: dict[uuid.UUID, Receipt]
) -> None:
    """Each applied receipt in its delivery's history."""
    if not moved:
        return
    rows = []
    for delivery_id in moved:
        receipt = receipts[delivery_id]
        rows.append(
            {
                "delivery_id": delivery_id,
                "outcome": AttemptOutcome.sent if receipt.delivered else AttemptOutcome.failed,
                "provider_code": receipt.code[:CODE_LIMIT],
                "detail": receipt.detail,
                "failure": None if receipt.delivered else Failure.permanent.value,
                "note": RECEIPT_NOTE,
            }
        )
    await session.execute(insert(DeliveryAttempt).values(rows))


async def apply_receipts(
    session: AsyncSession, channel: Channel, receipts: Sequence[Receipt]
) -> ReceiptOutcome:
    """Apply one push of `channel`'s receipts inside the caller's transaction.

    Only `sent` deliveries move, each statement testing the state as it changes it, so a push
    applied twice, or two pushes at once, settle each delivery once.
    """
    sorted_ = _sort(receipts, await _candidates(session, channel, receipts))
    delivered = {d: r for d, r in sorted_.sent.items() if r.delivered}
    failed = {d: r for d, r in sorted_.sent.items() if not r.delivered}
    moved_delivered = await _mark_delivered(session, delivered)
    moved_failed = await _mark_failed(session, failed)
    await _record(session, [*moved_delivered, *moved_failed], sorted_.sent)
    # A delivery settled by another push between our read and our update changed nothing.
    raced = len(sorted_.sent) - len(moved_delivered) - len(moved_failed)
    outcome = ReceiptOutcome(
        delivered=tuple(moved_delivered),
        failed=tuple(moved_failed),
        early=tuple(dict.fromkeys(sorted_.early)),
        unchanged=sorted_.unchanged + raced,
        unknown=sorted_.unknown,
    )
    _count(channel, outcome)
    return outcome


def _count(channel: Channel, outcome: ReceiptOutcome) -> None:
    for result, n in (
        ("delivered", len(outcome.delivered)),
        ("failed", len(outcome.failed)),
        ("early", len(outcome.early)),
        ("unchanged", outcome.unchanged),
        ("unknown", outcome.unknown),
    ):
        if n:
            RECEIPTS.labels(channel.value, result).inc(n)
    log.info(
        "receipts_applied",
        channel=channel.value,
        delivered=len(outcome.delivered),
        failed=len(outcome.failed),
        early=len(outcome.early),
        unchanged=outcome.unchanged,
        unknown=outcome.unknown,
    )
