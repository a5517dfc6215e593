"""The rules of registering, reading and looking into units."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.clients.incidents import (
    IncidentsAreaNotFoundError,
    IncidentsBadAnswerError,
    IncidentsClient,
    IncidentsUnavailableError,
)
from assessment.units import repository
from assessment.units.models import Unit, UnitKind
from assessment.units.schemas import IncidentCategoryCount, UnitCreate, UnitIncidentStats
from pingan_shared.auth import Principal, Role
from pingan_shared.errors import ProblemError, field_error, not_found

# Roles that read every unit in their areas; a `unit` contact reads only its own unit.
AREA_READERS = frozenset({Role.admin, Role.leader, Role.inspector, Role.service})
INCIDENTS_RETRY_AFTER_SECONDS = "10"
_CONFLICTS = {
    "uq_units_key": "a unit with this key is registered already",
    "uq_units_area_code_name": "a unit with this name is registered in this area already",
}


def own_unit_id(principal: Principal) -> uuid.UUID | None:
    """The unit a unit contact answers for (the token's `unit_id`), if it names one."""
    if principal.unit_id is None:
        return None
    try:
        return uuid.UUID(principal.unit_id)
    except ValueError:
        return None


def reads_only_own_unit(principal: Principal) -> bool:
    """True for a unit contact without a role that reads the whole area."""
    return not principal.has_any(AREA_READERS)


def can_read(principal: Principal, unit: Unit) -> bool:
    """Whether the caller may see `unit`: inside its areas, and its own unit for unit contacts."""
    if not principal.can_see(unit.area_code):
        return False
    return not reads_only_own_unit(principal) or own_unit_id(principal) == unit.id


async def readable_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID) -> Unit:
    """The unit, or a 404 when it does not exist or the caller may not see it."""
    unit = await repository.get_unit(session, unit_id)
    if unit is None or not can_read(principal, unit):
        raise not_found("unit")
    return unit


async def register_unit(session: AsyncSession, body: UnitCreate, principal: Principal) -> Unit:
    """Register a unit for assessment in one of the caller's areas; 409 when it exists."""
    if not principal.can_see(body.area_code):
        raise ProblemError(403, "outside-areas", "you may not register units in this area")
    if body.parent_unit_id is not None:
        parent = await repository.get_unit(session, body.parent_unit_id)
        if parent is None or not principal.can_see(parent.area_code):
            raise field_error("body.parent_unit_id", "unknown unit", "unknown_unit")
    unit = Unit(
        key=body.key,
        kind=body.kind,
        name=body.name,
        area_code=body.area_code,
        incidents_place_id=body.incidents_place_id,
        contact_name=body.contact.name,
        contact_phone=body.contact.phone,
        contact_wecom_user_id=body.contact.wecom_user_id,
        parent_unit_id=body.parent_unit_id,
    )
    try:
        return await repository.add_unit(session, unit)
    except IntegrityError as exc:
        detail = _CONFLICTS.get(_violated_constraint(exc))
        if detail is None:
            raise
        raise ProblemError(409, "unit-exists", detail) from None


def _violated_constraint(exc: IntegrityError) -> str:
    # asyncpg names the constraint on the driver error that the DBAPI error wraps.
    cause = exc.orig.__cause__ if exc.orig is not None else None
    return str(getattr(cause, "constraint_name", ""))


async def list_readable_units(
    session: AsyncSession,
    principal: Principal,
    prefixes: Sequence[str],
    *,
    kind: UnitKind | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[Unit]:
    """The units in `prefixes` the caller may see; a unit contact sees only its own."""
    only_id = None
    if reads_only_own_unit(principal):
        only_id = own_unit_id(principal)
        if only_id is None:
            return []
    return await repository.list_units(
        session, prefixes, kind=kind, only_id=only_id, after=after, limit=limit
    )


async def unit_incident_stats(
    incidents: IncidentsClient,
    unit: Unit,
    period_from: datetime | None,
    period_to: datetime | None,
) -> UnitIncidentStats:
    """Ask incidents for the counts of the unit's area over the period."""
    if period_from is not None and period_to is not None and period_from >= period_to:
        raise field_error("query.from", "must be before `to`", "empty_period")
    try:
        counts = await incidents.incident_counts(unit.area_code, period_from, period_to)
    except IncidentsUnavailableError:
        raise ProblemError(
            503,
            "incidents-unavailable",
            "incidents service unavailable",
            headers={"Retry-After": INCIDENTS_RETRY_AFTER_SECONDS},
        ) from None
    except IncidentsAreaNotFoundError:
        raise ProblemError(
            404, "area-not-found", f"incidents knows no area {unit.area_code}"
        ) from None
    except IncidentsBadAnswerError:
        raise ProblemError(
            502, "incidents-bad-answer", "incidents service gave an unexpected answer"
        ) from None
    return UnitIncidentStats(
        unit_id=unit.id,
        area_code=unit.area_code,
        period_from=counts.period_from,
        period_to=counts.period_to,
        total=counts.total,
        by_category=[
            IncidentCategoryCount(category=c.category, name=c.name, count=c.count)
            for c in counts.by_category
        ],
    )
