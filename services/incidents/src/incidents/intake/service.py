"""The rules of reporting an incident."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas import repository as areas
from incidents.intake import repository
from incidents.intake.coordinates import gcj02_to_wgs84, in_china
from incidents.intake.models import Incident, Source
from incidents.intake.notifications import notify_incident_reported
from incidents.intake.schemas import FUTURE_TOLERANCE, IncidentCreate
from pingan_shared.auth import Principal, Role
from pingan_shared.errors import ProblemError, field_error

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


def _check_times(body: IncidentCreate, now: datetime) -> None:
    latest = now + FUTURE_TOLERANCE
    for name in ("occurred_at", "occurred_from", "occurred_to"):
        value = getattr(body, name)
        if value is not None and value > latest:
            raise field_error(f"body.{name}", "lies in the future", "future_time")


async def report_incident(
    session: AsyncSession, body: IncidentCreate, principal: Principal
) -> tuple[Incident, bool]:
    """Record a report and queue its notification; returns the incident and whether it is new.

    A county system's repeated push (same `external_ref`) returns the incident it made before.
    """
    now = datetime.now(UTC)
    _check_times(body, now)
    category = await repository.get_category(session, body.category)
    if category is None:
        raise field_error(
            "body.category", f"unknown category {body.category!r}", "unknown_category"
        )
    area = await areas.get_area(session, body.area_code)
    if area is None:
        raise field_error("body.area_code", f"unknown area {body.area_code!r}", "unknown_area")
    if not principal.can_see(area.code):
        raise ProblemError(403, "outside-areas", "you may not report incidents in this area")
    lat, lon = body.location.lat, body.location.lon
    if not in_china(lat, lon):
        raise field_error("body.location", "lies outside China", "implausible_location")
    if body.location.coord_system == "gcj02":
        lat, lon = gcj02_to_wgs84(lat, lon)

    source_system = principal.sub if body.external_ref else None
    if body.external_ref and source_system:
        existing = await repository.find_by_external_ref(session, source_system, body.external_ref)
        if existing is not None:
            return existing, False

    occurred_at = body.occurred_at
    if occurred_at is None:
        assert body.occurred_from is not None
        assert body.occurred_to is not None
        occurred_at = body.occurred_from + (body.occurred_to - body.occurred_from) / 2
    reporter = body.reporter
    anonymous = reporter is None or reporter.anonymous
    incident = Incident(
        category=category.code,
        severity=body.severity or category.default_severity,
        title=body.title or f"{area.name}{category.name}",
        description=body.description,
        occurred_at=occurred_at,
        occurred_from=body.occurred_from,
        occurred_to=body.occurred_to,
        lat=lat,
        lon=lon,
        address=body.location.address,
        area_code=area.code,
        reporter_name=None if anonymous or reporter is None else reporter.name,
        reporter_phone=None if anonymous or reporter is None else reporter.phone,
        anonymous=anonymous,
        source=body.source or default_source(principal),
        source_system=source_system,
        external_ref=body.external_ref,
        reported_by=principal.sub,
    )
    incident = await repository.add_incident(session, incident)
    await notify_incident_reported(session, incident, area, category.name)
    return incident, True
