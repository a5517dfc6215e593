"""What a provider's answer means for a delivery: sent, retried later (with backoff, or when the
quota window reopens, or after asking the provider), failed for good (and tried on the next
channel), or dead after its last try."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from notify.channels.base import Failure, SendResult
from notify.config import NotifySettings
from notify.messages.engine import Claimed, Outcome
from notify.messages.models import AttemptOutcome, DeliveryState
from pingan_shared.contracts.messages import Priority

LONG_QUOTA_WAIT = timedelta(minutes=1)
"""An urgent or critical delivery facing a longer quota wait goes to its next channel instead."""


def settle(
    draft: Outcome,
    delivery: Claimed,
    result: SendResult,
    settings: NotifySettings,
    now: datetime,
    priority: Priority = Priority.routine,
) -> Outcome:
    """The outcome of `delivery` after a provider answered `result` (or a status query did)."""
    common = replace(
        draft,
        channel=delivery.channel,
        recipient_index=delivery.recipient_index,
        http_status=result.http_status,
        code=result.code,
        detail=result.detail,
        failure=result.failure,
        provider_id=result.provider_id,
    )
    if result.ok:
        return replace(common, state=DeliveryState.sent, outcome=AttemptOutcome.sent)
    error = ": ".join(part for part in (result.code, result.detail) if part) or None
    if result.failure is Failure.permanent or result.failure is None:
        return replace(
            common,
            state=DeliveryState.failed,
            outcome=AttemptOutcome.failed,
            last_error=error,
            falls_back=True,
        )
    if result.failure is Failure.quota:
        wait = timedelta(seconds=result.retry_after or settings.retry_delay(delivery.attempts))
        waited = replace(
            common,
            state=DeliveryState.queued,
            outcome=AttemptOutcome.retryable,
            not_before=now + wait,
            last_error=error,
            attempt_delta=-1,  # the provider's window, not a failure of this delivery
            deferred_reason="digest" if priority is Priority.routine else "quota",
        )
        if priority is not Priority.routine and wait > LONG_QUOTA_WAIT:
            return replace(
                waited, state=DeliveryState.failed, falls_back=True, wait_instead=now + wait
            )
        return waited
    if delivery.attempts >= settings.max_delivery_attempts:
        return replace(
            common, state=DeliveryState.dead, outcome=AttemptOutcome.retryable, last_error=error
        )
    return replace(
        common,
        state=DeliveryState.queued,
        outcome=AttemptOutcome.retryable,
        not_before=now + timedelta(seconds=settings.retry_delay(delivery.attempts)),
        last_error=error,
        check_status=result.failure is Failure.ambiguous,
        deferred_reason="backoff",
    )
