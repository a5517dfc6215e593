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
from incidents.workflow.handling_start import handling_ctes
from pingan_shared.sql import NamedSql

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

_INCIDENT_COLUMNS = """
    id, category, severity, status, title, description, occurred_at, occurred_from,
    occurred_to, lat, lon, address, area_code, reporter_name, reporter_phone, anonymous,
    source, source_system, external_ref, reported_by, version, created_at, updated_at,
    place_id, suspect_count, suspect_gender, suspect_age_band, suspect_non_local,
    suspect_traits, modus_operandi, loss_amount, attachments"""
# Every parameter is cast, and always to the same type: the statements below reuse these names.
_INCIDENT_VALUES = """
    :id::uuid, :category::text, :severity::text::severity, :status::text::incidentstatus,
    :title::text, :description::text, :occurred_at::timestamptz, :occurred_from::timestamptz,
    :occurred_to::timestamptz, :lat::float8, :lon::float8, :address::text, :area_code::text,
    :reporter_name::text, :reporter_phone::text, :anonymous::boolean, :source::text::source,
    :source_system::text, :external_ref::text, :reported_by::text, 1, :created_at::timestamptz,
    :created_at::timestamptz, :place_id::uuid, :suspect_count::int, :suspect_gender::text,
    :suspect_age_band::text, :suspect_non_local::boolean, :suspect_traits::text,
    :modus_operandi::text[], :loss_amount::numeric, :attachments::text::jsonb"""

# The outbox row goes to the on-duty contacts of the incident's area or of its nearest ancestor
# that has any (an area code's prefixes are its ancestors) — `areas.repository.duty_contacts`.
# Both jobs are written only when the `incident` CTE wrote the incident.
_NOTIFY_CTES = """
nearest AS (
    SELECT area_code FROM contacts
    WHERE on_duty AND :area_code::text LIKE area_code || '%'
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
    SELECT :message_id::uuid, :message_queue::text, :message_job::text,
           :message_payload::text::jsonb || jsonb_build_object('recipients', r.list)
    FROM incident, recipients AS r
    WHERE r.list IS NOT NULL
), checked AS (
    INSERT INTO outbox (id, queue, job, payload)
    SELECT :duplicates_job_id::uuid, 'pingan:incidents', 'find_duplicates',
           jsonb_build_object('incident_id', id::text)
    FROM incident
)"""

INSERT = NamedSql(f"""
WITH incident AS (
    INSERT INTO incidents ({_INCIDENT_COLUMNS})
    VALUES ({_INCIDENT_VALUES})
    ON CONFLICT (source_system, external_ref) DO NOTHING
    RETURNING id
), {_NOTIFY_CTES}, answered AS (
    UPDATE idempotency_keys SET status_code = 201, response = :answer::text::jsonb
    WHERE principal = :key_principal::text AND operation = :key_operation::text
      AND key = :key::text AND EXISTS (SELECT 1 FROM incident)
)
SELECT id FROM incident
""")  # noqa: S608 - constant fragments; values are parameters
"""The report inside a transaction whose key (if any) `LOOKUP` claimed: a county system's push,
which may name an incident it pushed before (then nothing is written)."""

REPORT = NamedSql(f"""
WITH catalogue AS (
    SELECT 1 FROM categories AS c JOIN areas AS a ON a.code = :area_code::text
    WHERE c.code = :category::text AND c.active AND c.name = :category_name::text
      AND c.default_severity::text = :default_severity::text AND a.name = :area_name::text
      AND (:place_id::uuid IS NULL
           OR EXISTS (SELECT 1 FROM places WHERE id = :place_id::uuid
                      AND area_code = :place_area::text))
), claim AS (
    INSERT INTO idempotency_keys (principal, operation, key, request_hash, status_code, response)
    SELECT :key_principal::text, :key_operation::text, :key::text, :key_hash::text, 201,
           :answer::text::jsonb
    WHERE :key::text IS NOT NULL AND EXISTS (SELECT 1 FROM catalogue)
    ON CONFLICT DO NOTHING
    RETURNING true AS claimed
), incident AS (
    INSERT INTO incidents ({_INCIDENT_COLUMNS})
    SELECT {_INCIDENT_VALUES}
    WHERE EXISTS (SELECT 1 FROM catalogue)
      AND (:key::text IS NULL OR EXISTS (SELECT 1 FROM claim))
    RETURNING id
), {_NOTIFY_CTES}, {handling_ctes(gate="incident")}
SELECT EXISTS (SELECT 1 FROM catalogue) AS current, EXISTS (SELECT 1 FROM incident) AS written
""")  # noqa: S608 - constant fragments; values are parameters
"""A whole report in one statement, in autocommit: it checks the catalogue entries the answer
was built from are still current, claims the Idempotency-Key with its answer, writes the
incident, its notification and duplicates search, and starts its handling. Nothing is written
when the catalogue changed or the key was taken (`current`, `written` say which)."""


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


def report_params(
    record: IncidentRecord,
    message: OutboxMessage,
    claim: Claim | None = None,
    answer: str | None = None,
) -> dict[str, Any]:
    """The parameters `INSERT` and `REPORT` share: the incident, its message, the key."""
    return {
        "id": record.id,
        "category": record.category,
        "severity": record.severity.value,
        "status": record.status.value,
        "title": record.title,
        "description": record.description,
        "occurred_at": record.occurred_at,
        "occurred_from": record.occurred_from,
        "occurred_to": record.occurred_to,
        "lat": record.lat,
        "lon": record.lon,
        "address": record.address,
        "area_code": record.area_code,
        "reporter_name": record.reporter_name,
        "reporter_phone": record.reporter_phone,
        "anonymous": record.anonymous,
        "source": record.source.value,
        "source_system": record.source_system,
        "external_ref": record.external_ref,
        "reported_by": record.reported_by,
        "created_at": record.created_at,
        "place_id": record.place_id,
        "suspect_count": record.suspect_count,
        "suspect_gender": record.suspect_gender,
        "suspect_age_band": record.suspect_age_band,
        "suspect_non_local": record.suspect_non_local,
        "suspect_traits": record.suspect_traits,
        "modus_operandi": record.modus_operandi,
        "loss_amount": record.loss_amount,
        "attachments": json.dumps(record.attachments),
        "message_id": message.id,
        "message_queue": message.queue,
        "message_job": message.job,
        "message_payload": json.dumps(message.payload, ensure_ascii=False),
        "duplicates_job_id": uuid.uuid4(),
        "key_principal": claim.principal if claim else None,
        "key_operation": claim.operation if claim else None,
        "key": claim.key if claim else None,
        "key_hash": claim.body_hash if claim else None,
        "answer": answer,
    }


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
    params = report_params(record, message, claim, answer)
    return await conn.fetchval(INSERT.text, *INSERT.args(params)) is not None


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
