"""The rules of shifts and schedules, and making shifts from schedules.

`materialise_shifts` is what the worker's cron calls to keep the next days' shifts made.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.patrols.access import find_visible_team, writable_area
from incidents.patrols.models import PatrolSchedule, PatrolShift, PatrolTeam
from incidents.patrols.positions import route_geojson
from incidents.patrols.shifts import repository
from incidents.patrols.shifts.recurrence import WeeklyRule, occurrences
from incidents.patrols.shifts.schemas import ScheduleCreate, ScheduleUpdate, ShiftCreate
from pingan_shared.auth import Principal
from pingan_shared.concurrency import check_version
from pingan_shared.errors import field_error, not_found

DEFAULT_HORIZON = timedelta(days=14)
MAX_HORIZON = timedelta(days=92)


async def create_shift(
    session: AsyncSession, body: ShiftCreate, principal: Principal
) -> PatrolShift:
    """Put a team on duty over an area (the team's, when not given) in the caller's areas."""
    team = await _team_for_write(session, principal, body.team_id)
    area_code = body.area_code or team.area_code
    await writable_area(session, principal, area_code)
    shift = PatrolShift(
        team_id=team.id,
        area_code=area_code,
        route=route_geojson(body.route),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
    )
    session.add(shift)
    await session.flush()
    return shift


async def visible_shift(
    session: AsyncSession, principal: Principal, shift_id: uuid.UUID
) -> PatrolShift:
    """A shift of a team the caller may see, over an area they may see; 404 otherwise."""
    shift = await session.get(PatrolShift, shift_id)
    if shift is None or not principal.can_see(shift.area_code):
        raise not_found("shift")
    await _visible_or_404(session, principal, shift.team_id, "shift")
    return shift


async def cancel_shift(
    session: AsyncSession, shift_id: uuid.UUID, principal: Principal
) -> PatrolShift:
    """Cancel a shift; it stays (cancelled), so its schedule does not make it again."""
    shift = await visible_shift(session, principal, shift_id)
    shift.cancelled = True
    await session.flush()
    return shift


async def create_schedule(
    session: AsyncSession, body: ScheduleCreate, principal: Principal, now: datetime | None = None
) -> PatrolSchedule:
    """Create a weekly schedule and make its shifts of the next two weeks."""
    team = await _team_for_write(session, principal, body.team_id)
    area_code = body.area_code or team.area_code
    await writable_area(session, principal, area_code)
    schedule = PatrolSchedule(
        team_id=team.id,
        area_code=area_code,
        route=route_geojson(body.route),
        weekdays=body.weekdays,
        start_time=body.start_time,
        duration_minutes=body.duration_minutes,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
    )
    session.add(schedule)
    await session.flush()
    await session.refresh(schedule)
    now = now or datetime.now(UTC)
    await materialise_shifts(session, now + DEFAULT_HORIZON, since=now, schedule_ids=[schedule.id])
    return schedule


async def visible_schedule(
    session: AsyncSession, principal: Principal, schedule_id: uuid.UUID
) -> PatrolSchedule:
    """A schedule of a team the caller may see; 404 otherwise."""
    schedule = await session.get(PatrolSchedule, schedule_id)
    if schedule is None or not principal.can_see(schedule.area_code):
        raise not_found("schedule")
    await _visible_or_404(session, principal, schedule.team_id, "schedule")
    return schedule


async def update_schedule(
    session: AsyncSession,
    schedule_id: uuid.UUID,
    body: ScheduleUpdate,
    if_match: str | None,
    principal: Principal,
    now: datetime | None = None,
) -> PatrolSchedule:
    """End or pause a schedule at the version the caller read; its shifts not yet started
    (and without logs or a cancellation) are made again to match."""
    schedule = await visible_schedule(session, principal, schedule_id)
    await session.refresh(schedule, with_for_update=True)
    check_version(schedule.version, if_match)
    given = body.model_fields_set
    if "valid_to" in given:
        if body.valid_to is not None and body.valid_to < schedule.valid_from:
            raise field_error("body.valid_to", "must not be before valid_from")
        schedule.valid_to = body.valid_to
    if "active" in given and body.active is not None:
        schedule.active = body.active
    schedule.version += 1
    await session.flush()
    now = now or datetime.now(UTC)
    latest = await repository.drop_unstarted_shifts(session, schedule.id, now)
    until = now + DEFAULT_HORIZON
    if latest is not None:
        # Make again as far ahead as had been made before, so the cron leaves no gap.
        until = max(until, latest + timedelta(seconds=1))
    await materialise_shifts(session, until, since=now, schedule_ids=[schedule.id])
    return schedule


def _rule(schedule: PatrolSchedule) -> WeeklyRule:
    return WeeklyRule(
        weekdays=frozenset(schedule.weekdays),
        start_time=schedule.start_time,
        duration=timedelta(minutes=schedule.duration_minutes),
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
    )


async def materialise_shifts(
    session: AsyncSession,
    until: datetime,
    *,
    since: datetime | None = None,
    schedule_ids: Collection[uuid.UUID] | None = None,
    area_prefixes: Sequence[str] | None = None,
) -> int:
    """Make the shifts of every active schedule that end after `since` (now) and start before
    `until`; shifts made before are skipped, so calling it again adds nothing. Returns how many
    shifts were made."""
    since = since or datetime.now(UTC)
    if until - since > MAX_HORIZON:
        raise ValueError("shifts are made at most 92 days ahead")
    schedules = await repository.schedules_to_materialise(
        session, schedule_ids=schedule_ids, prefixes=area_prefixes
    )
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "team_id": s.team_id,
            "area_code": s.area_code,
            "route": s.route,
            "starts_at": start,
            "ends_at": end,
            "schedule_id": s.id,
            "cancelled": False,
        }
        for s in schedules
        for start, end in occurrences(_rule(s), since, until)
    ]
    return await repository.insert_shifts(session, rows)


async def _team_for_write(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID
) -> PatrolTeam:
    """A team named in a body: 422 naming `body.team_id` when the caller cannot see it."""
    team = await find_visible_team(session, principal, team_id)
    if team is None:
        raise field_error("body.team_id", "unknown patrol team", "unknown_team")
    return team


async def _visible_or_404(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID, what: str
) -> None:
    if await find_visible_team(session, principal, team_id) is None:
        raise not_found(what)
