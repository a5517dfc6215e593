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

from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

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


def request_hash(body: Any) -> str:
    """A stable hash of a request body (keys sorted), to tell a retry from a different request."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyKeys:
    """Stores and replays the responses of keyed creates in one service's database."""

    def __init__(self, table: Table) -> None:
        self.table = table

    async def begin(
        self, session: AsyncSession, *, principal: str, operation: str, key: str, body_hash: str
    ) -> StoredResponse | None:
        """Claim `key`; None to go ahead, or the stored response of an earlier request."""
        t = self.table
        claimed = await session.execute(
            insert(t)
            .values(principal=principal, operation=operation, key=key, request_hash=body_hash)
            .on_conflict_do_nothing()
            .returning(t.c.key)
        )
        if claimed.first() is not None:
            return None
        row = (
            await session.execute(
                select(t.c.request_hash, t.c.status_code, t.c.response).where(
                    t.c.principal == principal, t.c.operation == operation, t.c.key == key
                )
            )
        ).one()
        if row.request_hash != body_hash:
            raise ProblemError(
                422,
                "idempotency-key-reused",
                "this Idempotency-Key was used with a different request body",
            )
        if row.status_code is None:
            raise ProblemError(
                409, "idempotency-key-in-progress", "a request with this key is in progress"
            )
        return StoredResponse(status_code=row.status_code, body=row.response)

    async def complete(
        self,
        session: AsyncSession,
        *,
        principal: str,
        operation: str,
        key: str,
        status_code: int,
        body: Any,
    ) -> None:
        """Record the response to replay for `key`."""
        t = self.table
        await session.execute(
            update(t)
            .where(t.c.principal == principal, t.c.operation == operation, t.c.key == key)
            .values(status_code=status_code, response=body)
        )

    async def purge_expired(self, session: AsyncSession) -> int:
        """Delete keys older than their lifetime; returns how many."""
        t = self.table
        result = await session.execute(
            delete(t).where(t.c.created_at < func.now() - KEY_LIFETIME).returning(t.c.key)
        )
        return len(result.all())


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

    async def replay(self, response: Response) -> Any | None:
        """The first answer for this key (its status set on `response`), or None to go ahead."""
        if self.key is None:
            return None
        stored = await self.keys.begin(
            self.session,
            principal=self.principal,
            operation=self.operation,
            key=self.key,
            body_hash=request_hash(self.body.model_dump(mode="json")),
        )
        if stored is None:
            return None
        response.status_code = stored.status_code
        response.headers["Idempotent-Replayed"] = "true"
        return stored.body

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
