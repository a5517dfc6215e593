"""The rules of patrol logs: a member of one's own team checks in once at a time, track points
fall inside the patrol, check-out ends it once, findings may become incidents in one step."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake import repository as intake
from incidents.intake.models import Source
from incidents.intake.schemas import FUTURE_TOLERANCE, IncidentCreate, Location, Reporter
from incidents.intake.service import report_incident
from incidents.patrols.access import find_visible_team, member_of
from incidents.patrols.cells import place_cell
from incidents.patrols.logs import repository
from incidents.patrols.logs.schemas import CheckIn, CheckOut, FindingCreate, TrackBatch
from incidents.patrols.models import PatrolFinding, PatrolLog, PatrolMember
from incidents.patrols.positions import wgs84
from incidents.patrols.shifts.recurrence import MAX_SHIFT
from incidents.patrols.uniqueness import conflict, flush_unique
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, field_error, not_found

OPEN_LOG_UNIQUE = {"uq_patrol_logs_open_member": ("body.member_id", "already on patrol")}


def _not_future(value: datetime, now: datetime, field: str) -> None:
    if value > now + FUTURE_TOLERANCE:
        raise field_error(field, "lies in the future", "future_time")


async def check_in(
    session: AsyncSession, body: CheckIn, principal: Principal, now: datetime | None = None
) -> PatrolLog:
    """Start a patrol for a member of the caller's own team; it counts towards the team's shift
    covering the check-in time (and that shift's area), else the team's area."""
    now = now or datetime.now(UTC)
    team = await find_visible_team(session, principal, body.team_id)
    if team is None or await member_of(session, principal, team.id) is None:
        raise field_error("body.team_id", "not a team of yours", "unknown_team")
    member = await session.get(PatrolMember, body.member_id)
    if member is None or member.team_id != team.id or not member.active:
        raise field_error("body.member_id", "not an active member of this team", "unknown_member")
    _not_future(body.at, now, "body.at")
    p = body.position
    lat, lon = wgs84(p.lat, p.lon, p.coord_system, "body.position")
    if (open_log := await repository.open_log_of(session, member.id)) is not None:
        raise conflict("body.member_id", f"already on patrol (log {open_log.id}); check out first")
    shift = await repository.covering_shift(session, team.id, body.at)
    log = PatrolLog(
        team_id=team.id,
        member_id=member.id,
        shift_id=shift.id if shift else None,
        area_code=shift.area_code if shift else team.area_code,
        started_at=body.at,
        start_lat=lat,
        start_lon=lon,
        start_cell=place_cell(lat, lon),
        created_by=principal.sub,
    )
    session.add(log)
    await flush_unique(session, OPEN_LOG_UNIQUE)
    return log


async def visible_log(session: AsyncSession, principal: Principal, log_id: uuid.UUID) -> PatrolLog:
    """A log the caller may read (a patrol member: their teams'); 404 otherwise."""
    log = await session.get(PatrolLog, log_id)
    if log is None or not principal.can_see(log.area_code):
        raise not_found("patrol log")
    if await find_visible_team(session, principal, log.team_id) is None:
        raise not_found("patrol log")
    return log


async def own_log(session: AsyncSession, principal: Principal, log_id: uuid.UUID) -> PatrolLog:
    """A log of the caller's own team, to write to; 404 otherwise."""
    log = await visible_log(session, principal, log_id)
    if await member_of(session, principal, log.team_id) is None:
        raise not_found("patrol log")
    return log


async def add_track(
    session: AsyncSession, log: PatrolLog, body: TrackBatch, now: datetime | None = None
) -> tuple[int, int]:
    """Store the batch's points inside the patrol's span, each (log, time) once; returns
    (newly stored, total)."""
    now = now or datetime.now(UTC)
    latest = log.ended_at or now + FUTURE_TOLERANCE
    rows: dict[datetime, dict[str, object]] = {}
    for index, point in enumerate(body.points):
        if not log.started_at <= point.at <= latest:
            raise field_error(f"body.points.{index}.at", "outside the patrol's time", "out_of_span")
        lat, lon = wgs84(point.lat, point.lon, body.coord_system, f"body.points.{index}")
        rows.setdefault(
            point.at,
            {
                "log_id": log.id,
                "at": point.at,
                "lat": lat,
                "lon": lon,
                "cell": place_cell(lat, lon),
                "accuracy_m": point.accuracy_m,
            },
        )
    stored = await repository.insert_track(session, list(rows.values()))
    return stored, await repository.track_count(session, log.id)


async def check_out(
    session: AsyncSession, log: PatrolLog, body: CheckOut, now: datetime | None = None
) -> PatrolLog:
    """End a patrol; the same check-out again changes nothing, another one is a 409."""
    now = now or datetime.now(UTC)
    if log.ended_at is not None:
        if log.ended_at == body.at:
            return log
        raise conflict("body.at", f"already checked out at {log.ended_at.isoformat()}")
    _not_future(body.at, now, "body.at")
    if body.at <= log.started_at:
        raise field_error("body.at", "must be after the check-in", "before_check_in")
    if body.at - log.started_at > MAX_SHIFT:
        raise field_error("body.at", "a patrol lasts at most 24 hours", "too_long")
    p = body.position
    log.end_lat, log.end_lon = wgs84(p.lat, p.lon, p.coord_system, "body.position")
    log.ended_at = body.at
    await session.flush()
    return log


async def add_finding(
    session: AsyncSession,
    log: PatrolLog,
    body: FindingCreate,
    principal: Principal,
    now: datetime | None = None,
) -> PatrolFinding:
    """Record a finding; with `report`, also report it as an incident of the patrol's area, with
    the caller's member record as reporter."""
    now = now or datetime.now(UTC)
    if await intake.get_category(session, body.category) is None:
        raise field_error(
            "body.category", f"unknown category {body.category!r}", "unknown_category"
        )
    found_at = body.found_at or now
    _not_future(found_at, now, "body.found_at")
    if found_at < log.started_at - timedelta(minutes=5):
        raise field_error("body.found_at", "before the patrol began", "before_check_in")
    p = body.position
    lat, lon = wgs84(p.lat, p.lon, p.coord_system, "body.position")
    incident_id = None
    if body.report:
        incident_id = await _report(session, log, body, found_at, principal)
    finding = PatrolFinding(
        log_id=log.id,
        category=body.category,
        text=body.text,
        found_at=found_at,
        lat=lat,
        lon=lon,
        address=p.address,
        incident_id=incident_id,
        created_by=principal.sub,
    )
    session.add(finding)
    await session.flush()
    return finding


async def _report(
    session: AsyncSession,
    log: PatrolLog,
    body: FindingCreate,
    found_at: datetime,
    principal: Principal,
) -> uuid.UUID:
    member = await member_of(session, principal, log.team_id)
    if member is None:  # own_log checked this; a member made inactive meanwhile lands here
        raise ProblemError(404, "not-found", "patrol log not found")
    p = body.position
    reported = await report_incident(
        session,
        IncidentCreate(
            category=body.category,
            severity=body.severity,
            description=body.text,
            occurred_at=found_at,
            location=Location(lat=p.lat, lon=p.lon, coord_system=p.coord_system, address=p.address),
            area_code=log.area_code,
            reporter=Reporter(name=member.name, phone=member.phone),
            source=Source.patrol,
        ),
        principal,
    )
    return reported.incident.id
