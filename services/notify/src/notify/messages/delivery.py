"""Sending a recorded message's deliveries (投递): claim what is due, apply each recipient's
opt-out and quiet hours and the providers' frequency limits, call the channels (in batches where
the provider takes them, concurrently otherwise), then record every outcome at once.

Each claim is committed before any provider is called and holds a lease, so a crash never sends a
delivery twice without first asking the provider (where it can be asked) whether it has it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from prometheus_client import Counter

from notify.channels import Outgoing, Router, Senders, SendResult
from notify.channels.base import BatchSender, Failure, StatusQuery
from notify.config import NotifySettings
from notify.limits import RateLimiter
from notify.messages import engine, recipients
from notify.messages.digest import digest_content
from notify.messages.engine import Claimed, Outcome
from notify.messages.fallback import fall_back
from notify.messages.models import AttemptOutcome, DeliveryState
from notify.messages.outcomes import LONG_QUOTA_WAIT, settle
from notify.messages.service import record_message
from notify.quiet import quiet_until
from notify.templates import Rendered, TemplateError, get_template
from pingan_shared.contracts.messages import Channel, Priority, SendMessage
from pingan_shared.db import Database
from pingan_shared.settings import business_timezone

log = structlog.get_logger(__name__)
DELIVERIES = Counter(
    "pingan_notify_deliveries_total",
    "Delivery attempts by channel and outcome",
    ["channel", "outcome"],
)
DIGEST_LIMIT = 50
RECEIPT_CHANNELS = frozenset({Channel.aliyun_sms, Channel.tencent_sms})
ALWAYS_AWAKE = frozenset({Channel.wecom_robot})
ASKED = "asked the provider first"
RESENT = "sent again: the earlier call's outcome is unknown"


@dataclass(slots=True)
class DeliveryReport:
    """How many deliveries of one run ended in each state, and when the rest are due."""

    counts: dict[str, int] = field(default_factory=dict)
    next_due: datetime | None = None
    receipts_due: datetime | None = None

    def add(self, state: DeliveryState) -> None:
        """Count one delivery that ended in `state`."""
        self.counts[state.value] = self.counts.get(state.value, 0) + 1


@dataclass(slots=True)
class Dispatcher:
    """Records messages and delivers them through the configured channels."""

    database: Database
    senders: Senders
    settings: NotifySettings
    limiter: RateLimiter | None = None
    router: Router = field(init=False)
    zone: ZoneInfo = field(init=False)
    gate: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.router = Router.from_settings(self.settings)
        self.zone = business_timezone()
        # One gate for every job of the process: httpx's pool spends CPU on each request waiting
        # for a connection (quadratic in them), so calls beyond the gate wait here instead.
        self.gate = asyncio.Semaphore(self.settings.send_concurrency)

    async def accept(self, message: SendMessage) -> tuple[uuid.UUID, datetime | None]:
        """Record `message` (idempotent by its key); returns its id and its `send_at`."""
        async with self.database.session() as session:
            message_id, created, send_at = await record_message(session, message, self.router)
        log.info("message_accepted", message_key=message.message_key, new=created)
        return message_id, send_at

    async def deliver(self, message_id: uuid.UUID) -> DeliveryReport:
        """Settle every due delivery of a message once; KeyError when there is no such message."""
        report = DeliveryReport()
        # One statement in autocommit: the claim is committed before any provider is called.
        async with self.database.connection() as conn:
            found = await engine.claim_with_message(conn, message_id, self.settings.lease_seconds)
            if found is None:
                raise KeyError(message_id)
            message, claimed = found
            if not claimed:
                report.next_due = await engine.next_due(conn, message_id)
                return report
        await self._settle(message, claimed, report)  # sets next_due with the outcomes
        return report

    async def _settle(
        self, message: dict[str, Any], claimed: list[Claimed], report: DeliveryReport
    ) -> None:
        priority = Priority(message["priority"])
        message["recipients"] = recipients.decode(message["recipients"]) or []
        message["params"] = recipients.decode(message["params"]) or {}
        try:
            content: Rendered | TemplateError = get_template(message["template"]).render(
                message["params"]
            )
        except TemplateError as exc:  # the template left the registry after it was recorded
            content = exc
        async with self.database.connection() as conn:
            prefs = await recipients.of_claimed(conn, message["recipients"], claimed)
        now = datetime.now(UTC)
        outcomes: list[Outcome] = []
        sending: list[tuple[Claimed, Outgoing, Outcome]] = []
        for delivery in claimed:
            pref = prefs.get(delivery.recipient_index)
            held = self._hold(delivery, priority, pref, now)
            if held is not None:
                held.channel, held.recipient_index = delivery.channel, delivery.recipient_index
                outcomes.append(held)
                continue
            draft = Outcome(delivery.id, DeliveryState.sending)
            if priority is not Priority.routine and pref is not None and pref.opt_out_routine:
                draft.opt_out_override = True
            quiet = self._quiet_until(delivery, pref, now)
            if quiet is not None:
                draft.quiet_bypass = True  # only urgent and critical ones get here
            if isinstance(content, TemplateError):
                outcomes.append(_template_failed(delivery, content))
                continue
            if delivery.check_status:
                asked = isinstance(self.senders.get(delivery.channel), StatusQuery)
                draft.note = ASKED if asked else RESENT
            outgoing = self._outgoing(message, delivery, content, priority)
            if delivery.deferred_reason == "digest":
                outgoing = await self._digest(delivery, outgoing, draft, outcomes)
            wait = await self._limit(delivery, outgoing)
            if wait:
                outcomes.append(self._limited(delivery, priority, wait, now, draft))
                continue
            sending.append((delivery, outgoing, draft))
        results = await self._send_all(sending)
        for (delivery, _, draft), result in zip(sending, results, strict=True):
            outcomes.append(settle(draft, delivery, result, self.settings, now, priority))
        await self._record(message, outcomes, priority, report)

    def _hold(
        self,
        delivery: Claimed,
        priority: Priority,
        pref: recipients.Preference | None,
        now: datetime,
    ) -> Outcome | None:
        """The outcome of a delivery that must not go now: an opted-out routine one, or one in
        its recipient's quiet hours."""
        if priority is not Priority.routine:
            return None
        if pref is not None and pref.opt_out_routine:
            return Outcome(
                delivery.id,
                DeliveryState.failed,
                failure=Failure.permanent,
                last_error="opted_out: the recipient opted out of routine messages",
                attempt_delta=-1,
                deferred_reason="opted_out",
            )
        quiet = self._quiet_until(delivery, pref, now)
        if quiet is None:
            return None
        return Outcome(
            delivery.id,
            DeliveryState.queued,
            not_before=quiet,
            attempt_delta=-1,  # waiting is not a try
            deferred_reason="quiet_hours",
        )

    def _quiet_until(
        self, delivery: Claimed, pref: recipients.Preference | None, now: datetime
    ) -> datetime | None:
        """When the recipient's quiet hours holding `now` end; None outside them. A group robot
        posts to a duty room (值班群), kept for hearing of incidents at any hour: no quiet hours."""
        if delivery.channel in ALWAYS_AWAKE:
            return None
        if pref is not None and not pref.quiet_hours:
            return None
        start = pref.quiet_start if pref and pref.quiet_start else self.settings.quiet_start
        end = pref.quiet_end if pref and pref.quiet_end else self.settings.quiet_end
        return quiet_until(now, start, end, self.zone)

    def _outgoing(
        self, message: dict[str, Any], delivery: Claimed, content: Rendered, priority: Priority
    ) -> Outgoing:
        return Outgoing(
            delivery_id=delivery.id,
            message_key=message["message_key"],
            recipient_index=delivery.recipient_index,
            address=delivery.target or "",
            display_address=delivery.address,
            content=content,
            template=message["template"],
            params={k: "" if v is None else str(v) for k, v in message["params"].items()},
            priority=priority,
            delivery_key=delivery.id.hex,
        )

    async def _limit(self, delivery: Claimed, outgoing: Outgoing) -> float:
        if self.limiter is None or not delivery.target:
            return 0.0
        return await self.limiter.acquire(delivery.channel, delivery.target, outgoing.content.text)

    def _limited(
        self, delivery: Claimed, priority: Priority, wait: float, now: datetime, draft: Outcome
    ) -> Outcome:
        """A delivery over its recipient's frequency limit: a routine one waits to go out in a
        digest with the others; an urgent or critical one goes to its next channel, or waits for
        the window when it has none. A digest carrier over the limit releases its members."""
        until = now + timedelta(seconds=wait)
        limited = Outcome(
            delivery.id,
            DeliveryState.queued,
            not_before=until,
            attempt_delta=-1,
            deferred_reason="digest" if priority is Priority.routine else "rate_limit",
            failure=Failure.quota,
            channel=delivery.channel,
            recipient_index=delivery.recipient_index,
            extra_ids=draft.extra_ids,
        )
        if priority is not Priority.routine and wait > LONG_QUOTA_WAIT.total_seconds():
            limited.state, limited.falls_back, limited.wait_instead = (
                DeliveryState.failed,
                True,
                until,
            )
        return limited

    async def _digest(
        self, carrier: Claimed, outgoing: Outgoing, draft: Outcome, outcomes: list[Outcome]
    ) -> Outgoing:
        """One message carrying every routine delivery parked for the carrier's address; the
        others are settled with the carrier's outcome (`digest_id`)."""
        assert carrier.target is not None
        async with self.database.transaction() as conn:
            others = await engine.claim_digest(
                conn, carrier.channel, carrier.target, self.settings.lease_seconds, DIGEST_LIMIT
            )
            texts = await recipients.texts_of(conn, [d.message_id for d in others])
        draft.digest_id = carrier.id
        draft.extra_ids = [d.id for d in others]
        return digest_content(outgoing, [outgoing.content.text, *texts])

    async def _send_all(
        self, sending: Sequence[tuple[Claimed, Outgoing, Outcome]]
    ) -> list[SendResult]:
        """Call the channels: batches where the provider takes them, else concurrent calls."""
        results: list[SendResult | None] = [None] * len(sending)
        gate = self.gate
        by_channel: dict[Channel, list[int]] = {}
        for index, (delivery, _, _) in enumerate(sending):
            by_channel.setdefault(delivery.channel, []).append(index)

        async def one(index: int) -> None:
            delivery, outgoing, _ = sending[index]
            async with gate:
                results[index] = await self._call(delivery, outgoing)

        async def batch(indexes: list[int], sender: BatchSender) -> None:
            async with gate:
                answers = await sender.send_batch([sending[i][1] for i in indexes])
            for i, answer in zip(indexes, answers, strict=True):
                results[i] = answer

        calls: list[Coroutine[Any, Any, None]] = []
        for channel, indexes in by_channel.items():
            sender = self.senders.get(channel)
            plain = [i for i in indexes if sending[i][0].check_status or sending[i][2].extra_ids]
            batched = [i for i in indexes if i not in set(plain)]
            if isinstance(sender, BatchSender) and len(batched) > 1:
                for start in range(0, len(batched), sender.max_batch):
                    calls.append(batch(batched[start : start + sender.max_batch], sender))
            else:
                plain = indexes
            calls.extend(one(i) for i in plain)
        await asyncio.gather(*calls)
        return [r if r is not None else _internal("no result") for r in results]

    async def _call(self, delivery: Claimed, outgoing: Outgoing) -> SendResult:
        sender = self.senders.get(delivery.channel)
        if sender is None:
            return SendResult(
                ok=False,
                failure=Failure.permanent,
                code="channel_unavailable",
                detail=f"{delivery.channel} is not configured here",
            )
        try:
            if delivery.check_status and isinstance(sender, StatusQuery):
                known = await sender.query(
                    outgoing,
                    delivery.sent_at or datetime.now(UTC),
                    biz_id=delivery.provider_message_id,
                )
                if known is not None:
                    return known
            return await sender.send(outgoing)
        except Exception as exc:
            # Not retried: the provider may have received it, and a repeat would send it twice.
            log.exception("channel_error", channel=str(delivery.channel), error=type(exc).__name__)
            return _internal(type(exc).__name__)

    async def _record(
        self,
        message: dict[str, Any],
        outcomes: list[Outcome],
        priority: Priority,
        report: DeliveryReport,
    ) -> None:
        """Queue fallbacks, then write every outcome (digest members take their carrier's) and
        read when the rest is due: one transaction, or one statement when nothing falls back."""
        falls_back = any(o.falls_back and o.recipient_index is not None for o in outcomes)
        opened = self.database.transaction() if falls_back else self.database.connection()
        async with opened as conn:
            for outcome in outcomes:
                if not outcome.falls_back or outcome.recipient_index is None:
                    continue
                channel = await fall_back(
                    conn, self.router, message, outcome.recipient_index, outcome.id
                )
                if channel is not None:
                    outcome.note = f"falling back to {channel}"
                elif outcome.wait_instead is not None:
                    outcome.state, outcome.not_before = DeliveryState.queued, outcome.wait_instead
            members = [o.for_member(i) for o in outcomes for i in o.extra_ids]
            report.next_due = await engine.finish_and_next_due(
                conn, message["id"], [*outcomes, *members]
            )
        for outcome in (*outcomes, *members):
            report.add(outcome.state)
            if outcome.outcome is not None and outcome.channel is not None:
                DELIVERIES.labels(outcome.channel.value, outcome.outcome.value).inc()
        if priority is Priority.critical and any(
            o.state is DeliveryState.sent and o.channel in RECEIPT_CHANNELS for o in outcomes
        ):
            report.receipts_due = datetime.now(UTC) + timedelta(
                minutes=self.settings.receipt_wait_minutes
            )


def _internal(detail: str) -> SendResult:
    return SendResult(ok=False, failure=Failure.permanent, code="internal", detail=detail)


def _template_failed(delivery: Claimed, error: TemplateError) -> Outcome:
    return Outcome(
        delivery.id,
        DeliveryState.failed,
        outcome=AttemptOutcome.failed,
        failure=Failure.permanent,
        code="template",
        detail=str(error),
        last_error=f"template: {error}",
    )
