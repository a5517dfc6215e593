"""How shifts, schedules and the on-duty list are shown."""

from __future__ import annotations

from incidents.patrols.models import PatrolSchedule, PatrolShift
from incidents.patrols.positions import LineString
from incidents.patrols.shifts.schemas import OnDutyMember, OnDutyTeam, ScheduleOut, ShiftOut
from incidents.patrols.teams.presenter import member_phone
from incidents.patrols.times import utc
from pingan_shared.auth import Principal


def present_shift(shift: PatrolShift) -> ShiftOut:
    """A shift as the API shows it."""
    return ShiftOut(
        id=shift.id,
        team_id=shift.team_id,
        area_code=shift.area_code,
        route=LineString.model_validate(shift.route) if shift.route else None,
        starts_at=utc(shift.starts_at),
        ends_at=utc(shift.ends_at),
        schedule_id=shift.schedule_id,
        cancelled=shift.cancelled,
    )


def present_schedule(schedule: PatrolSchedule) -> ScheduleOut:
    """A schedule as the API shows it."""
    return ScheduleOut(
        id=schedule.id,
        team_id=schedule.team_id,
        area_code=schedule.area_code,
        route=LineString.model_validate(schedule.route) if schedule.route else None,
        weekdays=list(schedule.weekdays),
        start_time=schedule.start_time,
        duration_minutes=schedule.duration_minutes,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
        active=schedule.active,
        version=schedule.version,
    )


def _masked(member: OnDutyMember, principal: Principal) -> OnDutyMember:
    return member.model_copy(update={"phone": member_phone(member.phone, principal)})


def present_on_duty(team: OnDutyTeam, principal: Principal) -> OnDutyTeam:
    """A team on duty with phones as `principal` may see them."""
    return team.model_copy(update={"members": [_masked(m, principal) for m in team.members]})
