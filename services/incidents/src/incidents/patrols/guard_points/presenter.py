"""How guard points are shown: guards' phones masked unless the role needs them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from incidents.patrols.guard_points.schemas import GuardOut, GuardPointOut
from incidents.patrols.models import GuardPoint, PatrolMember
from incidents.patrols.positions import PositionOut
from incidents.patrols.teams.presenter import member_phone
from pingan_shared.auth import Principal


def present_guard_point(
    point: GuardPoint, guards: Sequence[PatrolMember], principal: Principal
) -> GuardPointOut:
    """A guard point and its guards as `principal` may see them."""
    assert isinstance(point.created_at, datetime)
    return GuardPointOut(
        id=point.id,
        name=point.name,
        area_code=point.area_code,
        position=PositionOut(lat=point.lat, lon=point.lon, address=point.address),
        active=point.active,
        version=point.version,
        created_at=point.created_at,
        guards=[
            GuardOut(
                member_id=g.id,
                team_id=g.team_id,
                name=g.name,
                phone=member_phone(g.phone, principal),
            )
            for g in guards
        ],
    )
