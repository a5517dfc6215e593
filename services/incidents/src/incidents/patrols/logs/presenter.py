"""How patrol logs and findings are shown."""

from __future__ import annotations

from collections.abc import Sequence

from incidents.patrols.logs.schemas import FindingOut, LogDetail, LogOut, TrackPointOut
from incidents.patrols.models import PatrolFinding, PatrolLog, TrackPoint
from incidents.patrols.positions import PositionOut
from incidents.patrols.times import utc


def present_log(log: PatrolLog, member_name: str) -> LogOut:
    """A log as the API shows it."""
    end = None
    if log.end_lat is not None and log.end_lon is not None:
        end = PositionOut(lat=log.end_lat, lon=log.end_lon)
    return LogOut(
        id=log.id,
        team_id=log.team_id,
        member_id=log.member_id,
        member_name=member_name,
        shift_id=log.shift_id,
        area_code=log.area_code,
        started_at=utc(log.started_at),
        start_position=PositionOut(lat=log.start_lat, lon=log.start_lon),
        ended_at=utc(log.ended_at),
        end_position=end,
    )


def present_finding(finding: PatrolFinding) -> FindingOut:
    """A finding as the API shows it."""
    return FindingOut(
        id=finding.id,
        log_id=finding.log_id,
        category=finding.category,
        text=finding.text,
        found_at=utc(finding.found_at),
        position=PositionOut(lat=finding.lat, lon=finding.lon, address=finding.address),
        incident_id=finding.incident_id,
    )


def present_log_detail(
    log: PatrolLog,
    member_name: str,
    track: Sequence[TrackPoint],
    findings: Sequence[PatrolFinding],
) -> LogDetail:
    """A log with its track and findings."""
    return LogDetail(
        **present_log(log, member_name).model_dump(),
        track=[TrackPointOut(at=utc(t.at), lat=t.lat, lon=t.lon) for t in track],
        findings=[present_finding(f) for f in findings],
    )
