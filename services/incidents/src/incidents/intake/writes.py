"""The intake hot path in hand-written SQL: one statement looks up the catalogue, one writes the
incident together with its outbox message, whose recipients the database resolves.

`POST /v1/incidents` is the busiest write of the system (patrol phones, county pushes); the ORM
spent most of each request building and reading statements, so these go to the driver as they
are, on a bare connection (`Database.transaction`, or a session's via `driver_connection`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from incidents.intake.models import IncidentStatus, Severity, Source
from incidents.intake.records import IncidentRecord

# With an Idempotency-Key, the lookup also claims the key: a concurrent request with the same key
# waits here until this one commits, then finds the key taken (ARCHITECTURE.md §3).
LOOKUP = """
WITH claim AS (
    INSERT INTO idempotency_keys (principal, operation, key, request_hash)
    SELECT $3::varchar, $4::varchar, $5::varchar, $6::varchar WHERE $5::varchar IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING true AS claimed
)
SELECT c.name AS category_name, c.default_severity::text AS default_severity,
       a.name AS area_name, (SELECT claimed FROM claim) AS claimed, p.area_code AS place_area
FROM (SELECT 1) AS one
LEFT JOIN categories AS c ON c.code = $1 AND c.active
LEFT JOIN areas AS a ON a.code = $2
LEFT JOIN places AS p ON p.id = $7::uuid
"""

# The outbox row goes to the on-duty contacts of the incident's area or of its nearest ancestor
# that has any (an area code's prefixes are its ancestors) — `areas.repository.duty_contacts`.
INSERT = """
WITH incident AS (
    INSERT INTO incidents (
        id, category, severity, status, title, description, occurred_at, occurred_from,
        occurred_to, lat, lon, address, area_code, reporter_name, reporter_phone, anonymous,
        source, source_system, external_ref, reported_by, version, created_at, updated_at,
        place_id, suspect_count, suspect_gender, suspect_age_band, suspect_non_local,
        suspect_traits, modus_operandi, loss_amount, attachments)
    VALUES ($1, $2, $3::text::severity, 'reported', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
        $14, $15, $16::text::source, $17, $18, $19, 1, $20, $20,
        $29, $30, $31, $32, $33, $34, $35, $36, $37::text::jsonb)
    ON CONFLICT (source_system, external_ref) DO NOTHING
    RETURNING id
), nearest AS (
    SELECT area_code FROM contacts
    WHERE on_duty AND $12 LIKE area_code || '%'
    ORDER BY length(area_code) DESC
    LIMIT 1
), recipients AS (
    SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
               'name', c.name,
               'phone', CASE WHEN c.phone ~ '^1[3-9][0-9]{9}$' THEN c.phone END,
               'wecom_user_id', c.wecom_user_id,
               'wecom_robot_key', c.wecom_robot_key))
           ORDER BY c.role, c.name) AS list
    FROM contacts AS c JOIN nearest AS n ON c.area_code = n.area_code
    WHERE c.on_duty
      AND (c.phone ~ '^1[3-9][0-9]{9}$' OR c.wecom_user_id IS NOT NULL
           OR c.wecom_robot_key IS NOT NULL)
), queued AS (
    INSERT INTO outbox (id, queue, job, payload)
    SELECT $21, $22, $23, $24::text::jsonb || jsonb_build_object('recipients', r.list)
    FROM incident, recipients AS r
    WHERE r.list IS NOT NULL
), checked AS (
    INSERT INTO outbox (id, queue, job, payload)
    SELECT $38, 'pingan:incidents', 'find_duplicates', jsonb_build_object('incident_id', id::text)
    FROM incident
), answered AS (
    UPDATE idempotency_keys SET status_code = 201, response = $28::text::jsonb
    WHERE principal = $25 AND operation = $26 AND key = $27 AND EXISTS (SELECT 1 FROM incident)
)
SELECT id FROM incident
"""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What the lookup found: the category (if active), the area, and whether the key was
    claimed (None without a key)."""

    category_name: str | None
    default_severity: str | None
    area_name: str | None
    claimed: bool | None
    place_area: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """An Idempotency-Key to claim with the lookup, and to answer with the write."""

    principal: str
    operation: str
    key: str
    body_hash: str


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A job to write beside the incident; the statement adds `recipients` to its payload."""

    id: uuid.UUID
    queue: str
    job: str
    payload: dict[str, Any]


async def look_up(
    conn: asyncpg.Connection,
    category: str,
    area_code: str,
    claim: Claim | None,
    place_id: uuid.UUID | None = None,
) -> Catalogue:
    """The category, area and place a report names, and the key's claim, in one round trip."""
    keyed = (claim.principal, claim.operation, claim.key, claim.body_hash) if claim else (None,) * 4
    row = await conn.fetchrow(LOOKUP, category, area_code, *keyed, place_id)
    claimed = None if claim is None else bool(row["claimed"])
    return Catalogue(
        row["category_name"], row["default_severity"], row["area_name"], claimed, row["place_area"]
    )


async def insert_report(
    conn: asyncpg.Connection,
    record: IncidentRecord,
    message: OutboxMessage,
    claim: Claim | None = None,
    answer: str | None = None,
) -> bool:
    """Write the incident, its message, the job that looks for its duplicates, and the claimed
    key's answer (JSON); False when a county system's `external_ref` already names an incident
    (nothing is written then)."""
    written = await conn.fetchval(
        INSERT,
        record.id,
        record.category,
        record.severity.value,
        record.title,
        record.description,
        record.occurred_at,
        record.occurred_from,
        record.occurred_to,
        record.lat,
        record.lon,
        record.address,
        record.area_code,
        record.reporter_name,
        record.reporter_phone,
        record.anonymous,
        record.source.value,
        record.source_system,
        record.external_ref,
        record.reported_by,
        record.created_at,
        message.id,
        message.queue,
        message.job,
        json.dumps(message.payload, ensure_ascii=False),
        claim.principal if claim else None,
        claim.operation if claim else None,
        claim.key if claim else None,
        answer,
        record.place_id,
        record.suspect_count,
        record.suspect_gender,
        record.suspect_age_band,
        record.suspect_non_local,
        record.suspect_traits,
        record.modus_operandi,
        record.loss_amount,
        json.dumps(record.attachments),
        uuid.uuid4(),
    )
    return written is not None


EXISTING = """
SELECT id, category, severity::text AS severity, status::text AS status, title, description,
       occurred_at, occurred_from, occurred_to, lat, lon, address, area_code, reporter_name,
       reporter_phone, anonymous, source::text AS source, source_system, external_ref,
       reported_by, version, created_at, updated_at, place_id, suspect_count, suspect_gender,
       suspect_age_band, suspect_non_local, suspect_traits, modus_operandi, loss_amount,
       attachments::text AS attachments
FROM incidents WHERE source_system = $1 AND external_ref = $2
"""


async def find_pushed(
    conn: asyncpg.Connection, source_system: str, external_ref: str
) -> IncidentRecord:
    """The incident a county system pushed before under `external_ref`."""
    row = dict(await conn.fetchrow(EXISTING, source_system, external_ref))
    row["severity"] = Severity(row["severity"])
    row["status"] = IncidentStatus(row["status"])
    row["source"] = Source(row["source"])
    row["attachments"] = json.loads(row["attachments"])
    return IncidentRecord(**row)
