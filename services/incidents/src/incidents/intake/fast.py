"""A report in one statement: the intake's hot path for callers that name no `external_ref`
(patrol phones, police offices, community staff).

`service.report` takes a transaction and four round trips (lookup and key claim, write, start of
the handling, commit). Here the names the answer needs come from a small in-process cache, and
one statement in autocommit checks them, claims the Idempotency-Key with its answer, and writes
everything (`writes.REPORT`). A stale cache entry costs a second try, never a wrong record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from incidents.intake import service, writes
from incidents.intake.notifications import incident_reported_message
from incidents.intake.schemas import IncidentCreate
from incidents.intake.service import Reported, Respond
from incidents.tables import idempotency_keys
from incidents.workflow.handling_start import handling_params
from pingan_shared.auth import Principal
from pingan_shared.db import Database
from pingan_shared.errors import ProblemError
from pingan_shared.idempotency import StoredResponse

CATALOGUE_TTL_SECONDS = 60.0
ATTEMPTS = 3


@dataclass(slots=True)
class CatalogueCache:
    """Category and area names by (category, area code), each kept a minute. Only found entries
    are kept: a report naming an unknown category is answered from the database every time."""

    ttl: float = CATALOGUE_TTL_SECONDS
    _entries: dict[tuple[str, str], tuple[float, writes.Catalogue]] = field(default_factory=dict)

    async def look_up(
        self, conn: asyncpg.Connection, body: IncidentCreate, *, fresh: bool
    ) -> writes.Catalogue:
        """The catalogue entries `body` names; a report naming a place is always looked up."""
        assert body.area_code is not None
        key = (body.category, body.area_code)
        now = time.monotonic()
        cached = None if fresh or body.place_id is not None else self._entries.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        found = await writes.look_up(conn, body.category, body.area_code, None, body.place_id)
        if found.category_name is not None and found.area_name is not None:
            self._entries[key] = (now, found)
        return found


def catalogue_cache(state: Any) -> CatalogueCache:
    """The app's catalogue cache (`app.state`), made on first use."""
    cache: CatalogueCache | None = getattr(state, "catalogue_cache", None)
    if cache is None:
        cache = state.catalogue_cache = CatalogueCache()
    return cache


async def report_at_once(
    database: Database,
    cache: CatalogueCache,
    body: IncidentCreate,
    principal: Principal,
    claim: writes.Claim | None,
    respond: Respond,
) -> Reported | StoredResponse:
    """Record a report that names no `external_ref` in one statement; a key claimed before gives
    its stored response. Same answers and errors as `service.report`."""
    assert body.external_ref is None
    now = datetime.now(UTC)
    async with database.connection() as conn:
        body = await service.placed(conn, body, principal, now)
        for attempt in range(ATTEMPTS):
            found = await cache.look_up(conn, body, fresh=attempt > 0)
            category_name, area_name = service.check_found(body, principal, found)
            record = service.build_record(body, principal, found, now)
            message = incident_reported_message(record, area_name, category_name)
            answer = respond(record, category_name).model_dump_json()
            params = {
                **writes.report_params(record, message, claim, answer),
                **handling_params(record, principal, with_entry=True),
                "category_name": category_name,
                "default_severity": found.default_severity,
                "area_name": area_name,
                "place_area": found.place_area,
            }
            row = await conn.fetchrow(writes.REPORT.text, *writes.REPORT.args(params))
            if row["written"]:
                return Reported(record, True, category_name, answer)
            if row["current"]:
                assert claim is not None  # without a key, a current catalogue always writes
                return await idempotency_keys.stored(
                    conn,
                    principal=claim.principal,
                    operation=claim.operation,
                    key=claim.key,
                    body_hash=claim.body_hash,
                )
    raise ProblemError(
        503,
        "catalogue-changing",
        "the category or area changed while the report was written; try again",
        headers={"Retry-After": "1"},
    )
