"""Appending to the audit log (审计日志) and checking its hash chain.

Every change to inspections, findings, rectifications, scores and bulletins goes through
`record()`, in the caller's transaction, so the entry commits or rolls back with the change.

Serialising writers: `record()` takes `pg_advisory_xact_lock(AUDIT_CHAIN_LOCK)` before it reads
the chain's head, and holds it until the caller's transaction ends. Two writers therefore never
read the same head and fork the chain, and ids (taken under the lock) follow chain order. The lock
is taken in a statement of its own: a READ COMMITTED statement's snapshot is taken when it starts,
so the head must be read by a later statement to see the previous holder's committed entry. For
the same reason callers must not run `record()` inside a REPEATABLE READ or SERIALIZABLE
transaction (whose snapshot predates the lock); it refuses to.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.models import AuditEntry

# A constant key of the transaction-scoped advisory lock serialising appends ("audit" in ASCII).
AUDIT_CHAIN_LOCK = 0x6175646974
# The `prev_hash` of the first entry.
GENESIS_HASH = "0" * 64


class AuditIsolationError(RuntimeError):
    """`record()` was called inside a transaction whose snapshot could miss the chain's head."""


def canonical_json(value: Any) -> str:
    """The one text a JSON value hashes as: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def normal_time(at: datetime) -> str:
    """The instant as hashed: UTC, ISO 8601 with microseconds (what PostgreSQL keeps)."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    data: Mapping[str, Any],
) -> str:
    """SHA-256 (hex) of the canonical JSON array of the previous hash and the entry's fields."""
    fields = [prev_hash, normal_time(at), actor, action, entity, entity_id, data]
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    data: dict[str, Any],
) -> AuditEntry:
    """Append one entry chained to the last one, in the caller's transaction (flushed, not
    committed)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    # PostgreSQL's own rendering of the data is what a later read returns; hashing that form
    # keeps numbers such as 1e-7 (read back as 0.0000001) verifiable.
    row = (
        await session.execute(
            text(
                "SELECT current_setting('transaction_isolation') AS isolation,"
                " (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS head,"
                " CAST(:data AS jsonb)::text AS data"
            ),
            {"data": json.dumps(data, default=str, allow_nan=False)},  # UUIDs, dates: text,
        )
    ).one()
    if row.isolation != "read committed":
        raise AuditIsolationError(f"audit entries need READ COMMITTED, not {row.isolation}")
    stored: dict[str, Any] = json.loads(row.data)
    at = datetime.now(UTC)
    prev_hash: str = row.head or GENESIS_HASH
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        data=stored,
        prev_hash=prev_hash,
        hash=entry_hash(
            prev_hash=prev_hash,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            data=stored,
        ),
    )
    session.add(entry)
    await session.flush()
    return entry


class ChainLink(Protocol):
    """What checking one link reads of an entry (an `AuditEntry` or a row of its table)."""

    @property
    def id(self) -> int | None: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first entry whose chain does not hold: which field, what was expected, what was
    found. `prev_hash` broken: an entry before it was changed, removed or inserted; `hash`
    broken: this entry's own fields were changed."""

    id: int
    field: Literal["prev_hash", "hash"]
    expected: str
    found: str


def check_link(entry: ChainLink, expected_prev: str) -> BrokenLink | None:
    """The broken link at `entry` given the previous entry's hash, or None when it holds."""
    entry_id = entry.id or 0
    if entry.prev_hash != expected_prev:
        return BrokenLink(entry_id, "prev_hash", expected_prev, entry.prev_hash)
    recomputed = entry_hash(
        prev_hash=entry.prev_hash,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        data=entry.data,
    )
    if recomputed != entry.hash:
        return BrokenLink(entry_id, "hash", recomputed, entry.hash)
    return None


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The outcome of walking the chain: how many entries held, the last good one, the break."""

    checked: int
    last_id: int | None
    head_hash: str
    broken: BrokenLink | None


async def verify_chain(links: AsyncIterator[ChainLink]) -> ChainCheck:
    """Walk `links` in id order from the genesis value; stop at the first broken link."""
    checked, last_id, expected = 0, None, GENESIS_HASH
    async for link in links:
        broken = check_link(link, expected)
        if broken is not None:
            return ChainCheck(checked, last_id, expected, broken)
        checked, last_id, expected = checked + 1, link.id, link.hash
    return ChainCheck(checked, last_id, expected, None)
