"""The rules of reporting an incident."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import overload

import asyncpg
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas.geo import resolve_area
from incidents.intake import writes
from incidents.intake.coordinates import gcj02_to_wgs84, in_china
from incidents.intake.models import Severity, Source
from incidents.intake.notifications import incident_reported_message
from incidents.intake.records import IncidentRecord
from incidents.intake.schemas import FUTURE_TOLERANCE, IncidentCreate
from incidents.tables import idempotency_keys
from incidents.workflow.service import record_reported
from pingan_shared.auth import Principal, Role
from pingan_shared.db import driver_connection
from pingan_shared.errors import ProblemError, field_error
from pingan_shared.idempotency import StoredResponse

_SOURCE_BY_ROLE = {
    Role.patrol: Source.patrol,
    Role.police: Source.police_office,
    Role.service: Source.county_system,
}


def default_source(principal: Principal) -> Source:
    """The channel a caller reports through when the body does not say."""
    for role, source in _SOURCE_BY_ROLE.items():
        if role in principal.roles:
            return source
    return Source.community_staff


def check_times(body: IncidentCreate, now: datetime) -> None:
    """Refuse occurrence times in the future (a few minutes of clock skew allowed)."""
    latest = now + FUTURE_TOLERANCE
    for name in ("occurred_at", "occurred_from", "occurred_to"):
        value = getattr(body, name)
        if value is not None and value > latest:
            raise field_error(f"body.{name}", "lies in the future", "future_time")


Respond = Callable[[IncidentRecord, str], BaseModel]
"""Builds the answer to a new report from the incident and its category's name."""


@dataclass(frozen=True, slots=True)
class Reported:
    """The outcome of a report: the incident, whether it is new, and its category's name."""

    incident: IncidentRecord
    created: bool
    category_name: str
    answer: str | None = None
    """`respond`'s JSON for a new incident, when the caller gave `respond`."""


def _location(body: IncidentCreate) -> tuple[float, float]:
    lat, lon = body.location.lat, body.location.lon
    if not in_china(lat, lon):
        raise field_error("body.location", "lies outside China", "implausible_location")
    if body.location.coord_system == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    return lat, lon


def _occurred_at(body: IncidentCreate) -> datetime:
    if body.occurred_at is not None:
        return body.occurred_at
    assert body.occurred_from is not None
    assert body.occurred_to is not None
    return body.occurred_from + (body.occurred_to - body.occurred_from) / 2


@overload
def _utc(moment: datetime) -> datetime: ...
@overload
def _utc(moment: None) -> None: ...
def _utc(moment: datetime | None) -> datetime | None:
    # The API answers in UTC, as it reads back from the database, whatever offset came in.
    return None if moment is None else moment.astimezone(UTC)


async def report_incident(
    session: AsyncSession, body: IncidentCreate, principal: Principal
) -> Reported:
    """Record a report and queue its notification.

    A county system's repeated push (same `external_ref`) returns the incident it made before,
    with `created` False.
    """
    outcome = await report(await driver_connection(session), body, principal)
    assert isinstance(outcome, Reported)
    return outcome


async def placed(
    conn: asyncpg.Connection, body: IncidentCreate, principal: Principal, now: datetime
) -> IncidentCreate:
    """The report with its area (from its location when not given), if the caller may report
    there; its times checked."""
    check_times(body, now)
    if body.area_code is None:
        body = body.model_copy(update={"area_code": await area_of_location(conn, body)})
    assert body.area_code is not None
    if not principal.can_see(body.area_code):
        # Checked before the lookup, so the answer says nothing of areas outside the caller's.
        raise ProblemError(403, "outside-areas", "you may not report incidents in this area")
    return body


async def report(
    conn: asyncpg.Connection,
    body: IncidentCreate,
    principal: Principal,
    claim: writes.Claim | None = None,
    respond: Respond | None = None,
) -> Reported | StoredResponse:
    """`report_incident` on a bare connection, optionally under an Idempotency-Key: the key is
    claimed with the catalogue lookup and answered (`respond`'s JSON) with the write; a key
    claimed before gives its stored response. The answer to a repeated county push (200) is left
    for the caller to keep."""
    now = datetime.now(UTC)
    body = await placed(conn, body, principal, now)
    assert body.area_code is not None
    found = await writes.look_up(conn, body.category, body.area_code, claim, body.place_id)
    if claim is not None and not found.claimed:
        return await idempotency_keys.stored(
            conn,
            principal=claim.principal,
            operation=claim.operation,
            key=claim.key,
            body_hash=claim.body_hash,
        )
    category_name, area_name = check_found(body, principal, found)
    record = build_record(body, principal, found, now)
    message = incident_reported_message(record, area_name, category_name)
    answer = respond(record, category_name).model_dump_json() if respond else None
    if await writes.insert_report(conn, record, message, claim, answer):
        await record_reported(conn, record, actor=principal)
        return Reported(record, True, category_name, answer)
    assert record.source_system is not None
    assert record.external_ref is not None
    existing = await writes.find_pushed(conn, record.source_system, record.external_ref)
    if not principal.can_see(existing.area_code):
        # The system's areas changed since it pushed this one; say no more than that it exists.
        raise ProblemError(409, "external-ref-used", "this external_ref names another incident")
    name = category_name
    if existing.category != record.category:
        name = await conn.fetchval("SELECT name FROM categories WHERE code = $1", existing.category)
    return Reported(existing, False, name)


def check_found(
    body: IncidentCreate, principal: Principal, found: writes.Catalogue
) -> tuple[str, str]:
    """The names of the category and area a report names; 422 when the lookup did not find
    them, or the place."""
    if found.category_name is None or found.default_severity is None:
        raise field_error(
            "body.category", f"unknown category {body.category!r}", "unknown_category"
        )
    if found.area_name is None:
        raise field_error("body.area_code", f"unknown area {body.area_code!r}", "unknown_area")
    if body.place_id is not None and (
        found.place_area is None or not principal.can_see(found.place_area)
    ):
        raise field_error("body.place_id", "no such place in your areas", "unknown_place")
    return found.category_name, found.area_name


async def area_of_location(conn: asyncpg.Connection, body: IncidentCreate) -> str:
    """The deepest area whose boundary holds the reported point (its grid, where grids are drawn)."""
    lat, lon = _location(body)
    code = await resolve_area(conn, lat, lon)
    if code is None:
        raise field_error(
            "body.area_code",
            "the location lies inside no area with a boundary: give area_code",
            "area_not_found",
        )
    return code


def build_record(
    body: IncidentCreate, principal: Principal, found: writes.Catalogue, now: datetime
) -> IncidentRecord:
    """The incident a checked report makes, with the catalogue's names and defaults."""
    assert found.category_name is not None
    assert found.default_severity is not None
    assert body.area_code is not None
    lat, lon = _location(body)
    reporter = body.reporter
    anonymous = reporter is None or reporter.anonymous
    suspects = body.suspects
    return IncidentRecord(
        id=uuid.uuid4(),
        category=body.category,
        severity=body.severity or Severity(found.default_severity),
        title=body.title or f"{found.area_name}{found.category_name}",
        description=body.description,
        occurred_at=_utc(_occurred_at(body)),
        occurred_from=_utc(body.occurred_from),
        occurred_to=_utc(body.occurred_to),
        lat=lat,
        lon=lon,
        address=body.location.address,
        area_code=body.area_code,
        reporter_name=None if anonymous or reporter is None else reporter.name,
        reporter_phone=None if anonymous or reporter is None else reporter.phone,
        anonymous=anonymous,
        source=body.source or default_source(principal),
        source_system=principal.sub if body.external_ref else None,
        external_ref=body.external_ref,
        reported_by=principal.sub,
        created_at=now,
        updated_at=now,
        place_id=body.place_id,
        suspect_count=suspects.count if suspects else None,
        suspect_gender=suspects.gender.value if suspects else None,
        suspect_age_band=suspects.age_band.value if suspects else None,
        suspect_non_local=suspects.non_local if suspects else None,
        suspect_traits=suspects.traits if suspects else None,
        modus_operandi=list(body.modus_operandi),
        loss_amount=body.loss_amount,
        attachments=[a.model_dump(mode="json") for a in body.attachments],
    )
