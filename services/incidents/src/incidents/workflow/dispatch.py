"""Whom to dispatch to: a target given by hand, or chosen from the duty roster (who is on shift
now in the incident's area), falling back to the area's police office."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Annotated, Any

import structlog
from fastapi import Depends
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas import repository as areas
from incidents.areas.models import Contact, ContactRole
from incidents.intake.models import Incident
from incidents.patrols.models import PatrolTeam
from incidents.workflow.models import TargetKind
from incidents.workflow.schemas import DispatchTarget, TargetOut
from pingan_shared.auth import Principal
from pingan_shared.errors import field_error

log = structlog.get_logger(__name__)

PATROLS_ON_DUTY = ("incidents.patrols.service", "on_duty")
"""Where the patrols package answers "who is on duty at time T in area A"."""


class DutyMember(BaseModel):
    """A member of a team on duty, as far as dispatch needs them."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    phone: str | None = None
    wecom_user_id: str | None = None
    is_leader: bool = Field(default=False, validation_alias=AliasChoices("is_leader", "leader"))


class DutyTeam(BaseModel):
    """A team on duty in an area, with its members on duty (leader first, if known)."""

    model_config = ConfigDict(from_attributes=True)

    team_id: str
    name: str
    area_code: str
    members: list[DutyMember] = Field(default_factory=list)

    @field_validator("team_id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, uuid.UUID) else value


OnDutyLookup = Callable[[AsyncSession, str, datetime], Awaitable[Sequence[DutyTeam]]]
"""`(session, area_code, at)` → the teams on duty there then, best first."""


async def patrols_on_duty(session: AsyncSession, area_code: str, at: datetime) -> list[DutyTeam]:
    """The default lookup: the patrols package's roster, or nobody while it has none."""
    module_name, function_name = PATROLS_ON_DUTY
    try:
        on_duty = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError):
        return []
    found = await on_duty(session, area_code, at)
    try:
        return [DutyTeam.model_validate(team, from_attributes=True) for team in found]
    except ValidationError:
        # A roster we cannot read must not stop a dispatch: fall back to the police office.
        log.exception("on_duty_unreadable", area_code=area_code)
        return []


def on_duty_lookup() -> OnDutyLookup:
    """Dependency: the roster lookup routes use (tests override it)."""
    return patrols_on_duty


OnDutyLookupDep = Annotated[OnDutyLookup, Depends(on_duty_lookup)]


async def nearest_police_office(session: AsyncSession, area_code: str) -> Contact | None:
    """The on-duty police office of the area or of its nearest ancestor that has one."""
    code: str | None = area_code
    while code:
        contacts = await areas.duty_contacts(session, code)
        if not contacts:
            return None
        for contact in contacts:
            if contact.role == ContactRole.police_office:
                return contact
        level = await areas.get_area(session, contacts[0].area_code)
        code = level.parent_code if level is not None else None
    return None


async def auto_target(
    session: AsyncSession, incident: Incident, lookup: OnDutyLookup, now: datetime
) -> tuple[TargetOut, DutyTeam | None]:
    """The team on duty in the incident's area now, else the area's police office (422 when
    neither exists)."""
    teams = await lookup(session, incident.area_code, now)
    if teams:
        team = teams[0]
        target = TargetOut(
            kind=TargetKind.patrol_team, id=team.team_id, name=team.name, area_code=team.area_code
        )
        return target, team
    police = await nearest_police_office(session, incident.area_code)
    if police is None:
        raise field_error(
            "body.target",
            "no team is on duty and no police office serves this area",
            "no_dispatch_target",
        )
    target = TargetOut(
        kind=TargetKind.police_office,
        id=str(police.id),
        name=police.name,
        area_code=police.area_code,
    )
    return target, None


async def given_target(
    session: AsyncSession, incident: Incident, given: DispatchTarget, principal: Principal
) -> TargetOut:
    """A target named by hand, checked: its area exists; a contact id names a contact of the
    same kind."""
    if given.area_code is not None and await areas.get_area(session, given.area_code) is None:
        raise field_error(
            "body.target.area_code", f"unknown area {given.area_code!r}", "unknown_area"
        )
    area_code = given.area_code or incident.area_code
    if given.kind == TargetKind.patrol_team and given.id is not None:
        team = await _team(session, given.id)
        if team is None:
            raise field_error("body.target.id", f"no patrol team {given.id!r}", "unknown_team")
        # The team's canonical id, so filters by team match whatever form was typed.
        return TargetOut(
            kind=given.kind, id=str(team.id), name=given.name or team.name, area_code=area_code
        )
    if given.id is None:
        return TargetOut(kind=given.kind, id=given.id, name=given.name, area_code=area_code)
    contact = await contact_by_id(session, given.id)
    if contact is None or contact.role.value != given.kind.value:
        raise field_error(
            "body.target.id", f"no {given.kind.value} contact {given.id!r}", "unknown_contact"
        )
    return TargetOut(
        kind=given.kind,
        id=str(contact.id),
        name=given.name or contact.name,
        area_code=given.area_code or contact.area_code,
    )


async def _team(session: AsyncSession, team_id: str) -> PatrolTeam | None:
    try:
        key = uuid.UUID(team_id)
    except ValueError:
        return None
    return await session.get(PatrolTeam, key)


async def contact_by_id(session: AsyncSession, contact_id: str) -> Contact | None:
    """A duty contact by its id as text (None for an id that is not one)."""
    try:
        key = uuid.UUID(contact_id)
    except ValueError:
        return None
    return await session.get(Contact, key)
