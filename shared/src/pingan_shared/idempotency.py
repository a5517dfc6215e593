"""`Idempotency-Key` for creates (ARCHITECTURE.md §3).

The key row is inserted in the same transaction as the resource it creates. A concurrent request
with the same key blocks on the primary key until the first commits, then replays its response;
if the first rolled back, the second proceeds. The same key with another body is refused (422).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

import asyncpg
from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy import Table, delete, func
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.db import driver_connection
from pingan_shared.errors import ProblemError

KEY_LIFETIME = timedelta(hours=24)
"""Keys are kept at least this long; the cleanup job removes older ones."""

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Makes the create safe to retry: the same key and body return the first "
        "response (幂等键).",
    ),
]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The first response given for a key."""

    status_code: int
    body: Any


def request_hash(body: BaseModel | Any) -> str:
    """A stable hash of a request body, to tell a retry from a different request: a validated
    model's JSON (its fields in declaration order), or other JSON data with its keys sorted."""
    if isinstance(body, BaseModel):
        canonical = body.model_dump_json()
    else:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyKeys:
    """Stores and replays the responses of keyed creates in one service's database."""

    def __init__(self, table: Table) -> None:
        self.table = table
        # Hand-written statements: keyed creates are the hot path of every service.
        self._claim_sql = (
            "INSERT INTO idempotency_keys (principal, operation, key, request_hash)"
            " VALUES ($1, $2, $3, $4)"
            " ON CONFLICT DO NOTHING RETURNING true"
        )
        self._read_sql = (
            "SELECT request_hash, status_code, response::text AS response FROM idempotency_keys"
            " WHERE principal = $1 AND operation = $2 AND key = $3"
        )
        self._complete_sql = (
            "UPDATE idempotency_keys SET status_code = $4, response = $5::text::jsonb"
            " WHERE principal = $1 AND operation = $2 AND key = $3"
        )

    async def begin(
        self, session: AsyncSession, *, principal: str, operation: str, key: str, body_hash: str
    ) -> StoredResponse | None:
        """Claim `key`; None to go ahead, or the stored response of an earlier request."""
        conn = await driver_connection(session)
        claimed = await conn.fetchval(self._claim_sql, principal, operation, key, body_hash)
        if claimed:
            return None
        return await self.stored(
            conn, principal=principal, operation=operation, key=key, body_hash=body_hash
        )

    async def peek(
        self, conn: asyncpg.Connection, *, principal: str, operation: str, key: str, body_hash: str
    ) -> StoredResponse | None:
        """The response kept for a key, without claiming it; None for a key not used yet."""
        row = await conn.fetchrow(self._read_sql, principal, operation, key)
        if row is None:
            return None
        return self._checked(row, body_hash)

    async def stored(
        self, conn: asyncpg.Connection, *, principal: str, operation: str, key: str, body_hash: str
    ) -> StoredResponse:
        """The response kept for a key another request claimed (a 422 if the bodies differ)."""
        row = await conn.fetchrow(self._read_sql, principal, operation, key)
        return self._checked(row, body_hash)

    @staticmethod
    def _checked(row: Any, body_hash: str) -> StoredResponse:
        if row["request_hash"] != body_hash:
            raise ProblemError(
                422,
                "idempotency-key-reused",
                "this Idempotency-Key was used with a different request body",
            )
        if row["status_code"] is None:
            raise ProblemError(
                409, "idempotency-key-in-progress", "a request with this key is in progress"
            )
        return StoredResponse(status_code=row["status_code"], body=json.loads(row["response"]))

    async def complete(
        self,
        session: AsyncSession | asyncpg.Connection,
        *,
        principal: str,
        operation: str,
        key: str,
        status_code: int,
        body: Any,
    ) -> None:
        """Record the response to replay for `key` (in a session, or on a bare connection)."""
        conn = (
            session if isinstance(session, asyncpg.Connection) else await driver_connection(session)
        )
        await conn.execute(
            self._complete_sql, principal, operation, key, status_code, json.dumps(body)
        )

    async def purge_expired(self, session: AsyncSession) -> int:
        """Delete keys older than their lifetime; returns how many."""
        t = self.table
        result = await session.execute(
            delete(t).where(t.c.created_at < func.now() - KEY_LIFETIME).returning(t.c.key)
        )
        return len(result.all())


def replay_stored(stored: StoredResponse, response: Response) -> Any:
    """Answer with a stored response: its status on `response`, its body returned."""
    response.status_code = stored.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return stored.body


class KeyedCreate:
    """One create under an optional `Idempotency-Key`: replay the first answer, or record it.

    Routes use it as::

        keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, key, body)
        if (replayed := await keyed.replay(response)) is not None:
            return replayed
        ...  # create
        await keyed.record(out, status_code=201)
    """

    def __init__(
        self,
        keys: IdempotencyKeys,
        session: AsyncSession,
        principal: str,
        operation: str,
        key: str | None,
        body: BaseModel,
    ) -> None:
        self.keys = keys
        self.session = session
        self.principal = principal
        self.operation = operation
        self.key = key
        self.body = body

    @property
    def body_hash(self) -> str:
        """The hash that tells a retry of this request from a different one."""
        return request_hash(self.body)

    async def replay(self, response: Response) -> Any | None:
        """The first answer for this key (its status set on `response`), or None to go ahead."""
        if self.key is None:
            return None
        stored = await self.keys.begin(
            self.session,
            principal=self.principal,
            operation=self.operation,
            key=self.key,
            body_hash=self.body_hash,
        )
        if stored is None:
            return None
        return replay_stored(stored, response)

    async def record(self, out: BaseModel, *, status_code: int) -> None:
        """Keep the answer to replay for this key."""
        if self.key is None:
            return
        await self.keys.complete(
            self.session,
            principal=self.principal,
            operation=self.operation,
            key=self.key,
            status_code=status_code,
            body=out.model_dump(mode="json"),
        )
