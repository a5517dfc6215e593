"""The delivery engine's statements: claim what is due, record how each delivery went — many
deliveries in one round trip each, on a bare asyncpg connection.

Times are `statement_timestamp()`, not `now()`: a run's statements share one transaction only in
tests, where `now()` would stand still.

A claim moves deliveries to `sending` with a lease. A worker that dies mid-send leaves them
there; once the lease runs out another run claims them again, marked `check_status`: the provider
may have the first call, so it is asked (where it can be) before anything is sent twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from notify.channels.base import Failure
from notify.messages.models import AttemptOutcome, DeliveryState
from pingan_shared.contracts.messages import Channel

CLAIM_DUE = """
UPDATE deliveries AS d
SET state = 'sending', attempts = d.attempts + 1, updated_at = statement_timestamp(),
    lease_until = statement_timestamp() + make_interval(secs => $2::float8),
    check_status = d.check_status OR d.state = 'sending'
FROM (
    SELECT id, updated_at AS previous FROM deliveries
    WHERE message_id = $1
      AND ((state = 'queued' AND (not_before IS NULL OR not_before <= statement_timestamp()))
           OR (state = 'sending' AND lease_until < statement_timestamp()))
    FOR UPDATE SKIP LOCKED
) AS due
WHERE d.id = due.id
RETURNING d.id, d.message_id, d.recipient_index, d.channel::text AS channel, d.target, d.address,
          d.attempts, d.check_status, d.provider_message_id, d.deferred_reason,
          coalesce(d.sent_at, due.previous) AS sent_at
"""
"""$1 message id, $2 lease seconds. SKIP LOCKED: two runs of one message split its deliveries
instead of waiting on each other. `sent_at` of a delivery never recorded as sent is when it last
changed: an unanswered call to the provider was made around then, which is when to ask about."""

CLAIM_WITH_MESSAGE = f"""
WITH claimed AS ({CLAIM_DUE})
SELECT m.id AS message, m.message_key, m.template, m.params, m.priority::text AS priority,
       m.recipients, m.channels, c.*
FROM messages AS m LEFT JOIN claimed AS c ON true
WHERE m.id = $1
"""  # noqa: S608 - built from constants only
"""The message and its claimed deliveries in one round trip: no row when there is no such
message, one row with NULL delivery columns when nothing is due."""

MESSAGE_COLUMNS = ("message_key", "template", "params", "priority", "recipients", "channels")

CLAIM_DIGEST = """
UPDATE deliveries AS d
SET state = 'sending', attempts = d.attempts + 1, updated_at = statement_timestamp(),
    lease_until = statement_timestamp() + make_interval(secs => $3::float8)
WHERE d.id IN (
    SELECT id FROM deliveries
    WHERE channel::text = $1 AND target = $2 AND state = 'queued' AND deferred_reason = 'digest'
    ORDER BY created_at
    LIMIT $4
    FOR UPDATE SKIP LOCKED
)
RETURNING d.id, d.message_id, d.recipient_index, d.channel::text AS channel, d.target, d.address,
          d.attempts, d.check_status, d.provider_message_id, d.deferred_reason, d.sent_at
"""
"""Routine deliveries to one address parked by its frequency limit, to go out as one digest."""

_RECORD_OUTCOMES = """
u AS (
    SELECT * FROM unnest(
        $1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
        $7::int[], $8::text[], $9::text[], $10::bool[], $11::bool[], $12::bool[], $13::int[],
        $14::uuid[], $15::text[], $16::text[], $17::text[]
    ) AS u(id, state, not_before, failure, provider_id, last_error, http_status, code, detail,
           check_status, quiet_bypass, opt_out_override, attempt_delta, digest_id,
           deferred_reason, outcome, note)
), moved AS (
    UPDATE deliveries AS d
    SET state = u.state::deliverystate, not_before = u.not_before, failure = u.failure,
        provider_message_id = coalesce(u.provider_id, d.provider_message_id),
        last_error = u.last_error, lease_until = NULL, check_status = u.check_status,
        sent_at = CASE WHEN u.state = 'sent' THEN statement_timestamp() ELSE d.sent_at END,
        quiet_bypass = d.quiet_bypass OR u.quiet_bypass,
        opt_out_override = d.opt_out_override OR u.opt_out_override,
        attempts = d.attempts + u.attempt_delta, digest_id = coalesce(u.digest_id, d.digest_id),
        deferred_reason = u.deferred_reason, updated_at = statement_timestamp()
    FROM u
    WHERE d.id = u.id AND d.state = 'sending'
    RETURNING d.id, d.message_id
)"""

_APPEND_ATTEMPTS = """
INSERT INTO delivery_attempts (delivery_id, outcome, http_status, provider_code, detail, failure,
                               note)
SELECT u.id, u.outcome::attemptoutcome, u.http_status, left(u.code, 40), u.detail, u.failure,
       left(u.note, 200)
FROM u JOIN moved ON moved.id = u.id
WHERE u.outcome IS NOT NULL"""

FINISH = f"WITH {_RECORD_OUTCOMES}{_APPEND_ATTEMPTS}"
"""Record many deliveries' outcomes: move each (still `sending`) to its state, append an attempt
row for each that called a provider."""

FINISH_AND_NEXT_DUE = f"""
WITH {_RECORD_OUTCOMES}, appended AS ({_APPEND_ATTEMPTS}
    RETURNING 1
)
SELECT min(due) FROM (
    SELECT CASE WHEN state = 'sending' THEN lease_until
                ELSE coalesce(not_before, statement_timestamp()) END AS due
    FROM deliveries
    WHERE message_id = $18 AND state IN ('queued', 'sending') AND id NOT IN (SELECT id FROM moved)
    UNION ALL
    SELECT coalesce(u.not_before, statement_timestamp())
    FROM u JOIN moved ON moved.id = u.id
    WHERE moved.message_id = $18 AND u.state = 'queued'
) AS pending
"""  # noqa: S608 - built from constants only
"""`FINISH`, then when the earliest unsettled delivery of message $18 is due, in one round trip.
The statement sees deliveries as they were before it moved them, so those it moved count with
their new state; rows an earlier statement of the transaction wrote (a fallback) are seen."""

NEXT_DUE = """
SELECT min(CASE WHEN state = 'sending' THEN lease_until ELSE coalesce(not_before, statement_timestamp()) END)
FROM deliveries
WHERE message_id = $1 AND state IN ('queued', 'sending')
"""

STRANDED = """
SELECT DISTINCT d.message_id, m.priority::text AS priority
FROM deliveries AS d JOIN messages AS m ON m.id = d.message_id
WHERE (d.state = 'queued' AND coalesce(d.not_before, d.updated_at) < statement_timestamp() - $1::interval)
   OR (d.state = 'sending' AND d.lease_until < statement_timestamp())
LIMIT $2
"""
"""Messages with deliveries overdue by more than $1 (their job was lost) or held by a worker
whose lease ran out (it died mid-send)."""


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery this run moved to `sending` and must now settle."""

    id: uuid.UUID
    message_id: uuid.UUID
    recipient_index: int
    channel: Channel
    target: str | None
    address: str
    attempts: int
    check_status: bool
    provider_message_id: str | None
    deferred_reason: str | None
    sent_at: datetime | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Claimed:
        """A claimed delivery from a `RETURNING` row."""
        return cls(**{**dict(row), "channel": Channel(row["channel"])})


@dataclass(slots=True)
class Outcome:
    """Where one claimed delivery ends this run, and the attempt to record (if a provider was
    called: `outcome` set)."""

    id: uuid.UUID
    state: DeliveryState
    outcome: AttemptOutcome | None = None
    not_before: datetime | None = None
    failure: Failure | str | None = None
    provider_id: str | None = None
    last_error: str | None = None
    http_status: int | None = None
    code: str | None = None
    detail: str | None = None
    check_status: bool = False
    quiet_bypass: bool = False
    opt_out_override: bool = False
    attempt_delta: int = 0
    digest_id: uuid.UUID | None = None
    deferred_reason: str | None = None
    note: str | None = None
    channel: Channel | None = None
    recipient_index: int | None = None
    falls_back: bool = False  # try the recipient's next channel
    wait_instead: datetime | None = None  # when no channel is left: wait until then instead
    extra_ids: list[uuid.UUID] = field(default_factory=list)  # carried by this one's digest

    def for_member(self, delivery_id: uuid.UUID) -> Outcome:
        """The same outcome for a delivery that went out inside this one's digest."""
        return replace(
            self,
            id=delivery_id,
            digest_id=self.id,
            falls_back=False,
            extra_ids=[],
            note="sent in a digest" if self.state is DeliveryState.sent else "in a digest",
        )


async def claim_due(conn: asyncpg.Connection, message_id: uuid.UUID, lease: float) -> list[Claimed]:
    """Claim the deliveries of a message that are due, or whose sender's lease ran out."""
    return [Claimed.from_row(r) for r in await conn.fetch(CLAIM_DUE, message_id, lease)]


async def claim_digest(
    conn: asyncpg.Connection, channel: Channel, target: str, lease: float, limit: int
) -> list[Claimed]:
    """Claim routine deliveries parked for a digest to `target` on `channel`."""
    rows = await conn.fetch(CLAIM_DIGEST, channel.value, target, lease, limit)
    return [Claimed.from_row(r) for r in rows]


async def claim_with_message(
    conn: asyncpg.Connection, message_id: uuid.UUID, lease: float
) -> tuple[dict[str, Any], list[Claimed]] | None:
    """The message's columns and the deliveries claimed as `claim_due` does; None when there is
    no such message."""
    rows = await conn.fetch(CLAIM_WITH_MESSAGE, message_id, lease)
    if not rows:
        return None
    message = {"id": message_id, **{name: rows[0][name] for name in MESSAGE_COLUMNS}}
    fields = Claimed.__slots__
    claimed = [
        Claimed(**{**{f: r[f] for f in fields}, "channel": Channel(r["channel"])})
        for r in rows
        if r["id"] is not None
    ]
    return message, claimed


async def finish(conn: asyncpg.Connection, outcomes: Sequence[Outcome]) -> None:
    """Record `outcomes` in one statement."""
    if outcomes:
        await conn.execute(FINISH, *_columns(outcomes))


async def finish_and_next_due(
    conn: asyncpg.Connection, message_id: uuid.UUID, outcomes: Sequence[Outcome]
) -> datetime | None:
    """Record `outcomes` and return when the earliest unsettled delivery of the message is due
    (None when all are settled), in one statement."""
    if not outcomes:
        return await next_due(conn, message_id)
    due: datetime | None = await conn.fetchval(FINISH_AND_NEXT_DUE, *_columns(outcomes), message_id)
    return due


def _columns(outcomes: Sequence[Outcome]) -> list[list[Any]]:
    """The outcomes as FINISH's seventeen parallel arrays."""
    columns: list[list[Any]] = [[] for _ in range(17)]
    for o in outcomes:
        values = (
            o.id,
            o.state.value,
            o.not_before,
            str(o.failure) if o.failure else None,
            o.provider_id,
            o.last_error,
            o.http_status,
            o.code,
            o.detail,
            o.check_status,
            o.quiet_bypass,
            o.opt_out_override,
            o.attempt_delta,
            o.digest_id,
            o.deferred_reason,
            o.outcome.value if o.outcome else None,
            o.note,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    return columns


async def stranded(
    conn: asyncpg.Connection, grace: timedelta, limit: int
) -> list[tuple[uuid.UUID, str]]:
    """Messages the sweep should run again, with their priorities."""
    return [(r["message_id"], r["priority"]) for r in await conn.fetch(STRANDED, grace, limit)]


async def next_due(conn: asyncpg.Connection, message_id: uuid.UUID) -> datetime | None:
    """When the earliest unsettled delivery of a message is due (None when all are settled)."""
    due: datetime | None = await conn.fetchval(NEXT_DUE, message_id)
    return due
