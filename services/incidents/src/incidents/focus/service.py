"""The rules of focus problems: where they may be made, what they may name, how they change."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import h3  # type: ignore[import-untyped]  # h3 ships no type information
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Contact
from incidents.focus import repository
from incidents.focus.models import FocusMeasure, FocusProblem, FocusStatus
from incidents.focus.rules import default_target, local_today
from incidents.focus.schemas import (
    FocusOwner,
    FocusProblemCreate,
    FocusProblemUpdate,
    MeasureCreate,
)
from incidents.intake.models import Category
from incidents.patrols.access import writable_area
from incidents.places.models import Place
from pingan_shared.auth import Principal
from pingan_shared.concurrency import check_version
from pingan_shared.errors import ProblemError, field_error, not_found

CELL_RESOLUTIONS = range(7, 11)


def check_cells(cells: Sequence[str], field: str) -> list[str]:
    """The cells, each a valid H3 cell of resolution 7-10 given once; a 422 naming the first
    that is not."""
    for index, cell in enumerate(cells):
        if not h3.is_valid_cell(cell) or h3.get_resolution(cell) not in CELL_RESOLUTIONS:
            raise field_error(f"{field}.{index}", "not an H3 cell of resolution 7-10", "h3_cell")
        if cell in cells[:index]:
            raise field_error(f"{field}.{index}", "given twice", "duplicate")
    return list(cells)


async def _check_categories(session: AsyncSession, categories: Sequence[str], field: str) -> None:
    query = select(col(Category.code)).where(col(Category.code).in_(categories))
    known = set((await session.execute(query)).scalars())
    for index, code in enumerate(categories):
        if code not in known:
            raise field_error(f"{field}.{index}", f"unknown category {code!r}", "unknown_category")


async def _check_place(
    session: AsyncSession, place_id: uuid.UUID | None, area_code: str, field: str
) -> None:
    if place_id is None:
        return
    place = await session.get(Place, place_id)
    if place is None or not place.area_code.startswith(area_code):
        raise field_error(field, "no such place in the problem's area", "unknown_place")


async def _apply_owner(
    session: AsyncSession, problem: FocusProblem, owner: FocusOwner, principal: Principal
) -> None:
    if owner.contact_id is not None:
        contact = await session.get(Contact, owner.contact_id)
        if contact is None or not principal.can_see(contact.area_code):
            raise field_error("body.owner.contact_id", "no such duty contact", "unknown_contact")
    problem.owner_name = owner.name
    problem.owner_phone = owner.phone
    problem.owner_wecom_user_id = owner.wecom_user_id
    problem.owner_contact_id = owner.contact_id


async def create_problem(
    session: AsyncSession, body: FocusProblemCreate, principal: Principal
) -> FocusProblem:
    """Make a focus problem in one of the caller's areas (403 outside them)."""
    await writable_area(session, principal, body.area_code)
    today = local_today()
    target = body.target_date or default_target(today)
    if target < today:
        raise field_error("body.target_date", "must not be in the past", "past_date")
    await _check_categories(session, body.categories, "body.categories")
    await _check_place(session, body.place_id, body.area_code, "body.place_id")
    problem = FocusProblem(
        title=body.title,
        description=body.description,
        source=body.source.value,
        source_ref=body.source_ref,
        area_code=body.area_code,
        cells=check_cells(body.cells, "body.cells"),
        place_id=body.place_id,
        categories=list(dict.fromkeys(body.categories)),
        measures_started_on=body.measures_started_on,
        target_date=target,
        created_by=principal.sub,
    )
    await _apply_owner(session, problem, body.owner, principal)
    session.add(problem)
    await session.flush()
    await session.refresh(problem)
    return problem


async def visible_problem(
    session: AsyncSession, principal: Principal, problem_id: uuid.UUID, *, lock: bool = False
) -> FocusProblem:
    """A problem inside the caller's areas; 404 otherwise, so existence does not leak."""
    problem = await session.get(FocusProblem, problem_id, with_for_update=lock)
    if problem is None or not principal.can_see(problem.area_code):
        raise not_found("focus problem")
    return problem


def _apply_status(problem: FocusProblem, body: FocusProblemUpdate, now: datetime) -> None:
    if body.status == "resolved" and problem.status != FocusStatus.resolved:
        if not (body.resolution or problem.resolution):
            raise field_error("body.resolution", "say how the problem was solved", "missing")
        problem.status = FocusStatus.resolved.value
        problem.resolved_at = now
    elif body.status == "open" and problem.status == FocusStatus.resolved:
        problem.status = FocusStatus.open.value
        problem.resolved_at = None
    if body.resolution is not None:
        problem.resolution = body.resolution


async def update_problem(
    session: AsyncSession,
    problem_id: uuid.UUID,
    body: FocusProblemUpdate,
    if_match: str | None,
    principal: Principal,
) -> FocusProblem:
    """Change a problem at the version the caller read (If-Match)."""
    problem = await visible_problem(session, principal, problem_id, lock=True)
    check_version(problem.version, if_match)
    now = datetime.now(UTC)
    fields = body.model_fields_set
    for name in ("title", "description", "measures_started_on"):
        if name in fields:
            setattr(problem, name, getattr(body, name))
    if body.cells is not None:
        problem.cells = check_cells(body.cells, "body.cells")
    if body.categories is not None:
        await _check_categories(session, body.categories, "body.categories")
        problem.categories = list(dict.fromkeys(body.categories))
    if "place_id" in fields:
        await _check_place(session, body.place_id, problem.area_code, "body.place_id")
        problem.place_id = body.place_id
    if body.owner is not None:
        await _apply_owner(session, problem, body.owner, principal)
    if body.target_date is not None and body.target_date != problem.target_date:
        if body.target_date < local_today(now):
            raise field_error("body.target_date", "must not be in the past", "past_date")
        problem.target_date = body.target_date
        if problem.status == FocusStatus.overdue:
            # A new deadline starts a new count: reminders and escalations follow the new date.
            problem.status = FocusStatus.open.value
            problem.escalation_level = 0
    _apply_status(problem, body, now)
    problem.version += 1
    problem.updated_at = now
    await session.flush()
    return problem


async def add_measure(
    session: AsyncSession,
    problem_id: uuid.UUID,
    body: MeasureCreate,
    if_match: str | None,
    principal: Principal,
) -> FocusProblem:
    """Append a measure; the first one dates the start of the measures if none was given."""
    problem = await visible_problem(session, principal, problem_id, lock=True)
    check_version(problem.version, if_match, required=False)
    if body.taken_on > local_today():
        raise field_error("body.taken_on", "a measure is recorded once taken", "future_date")
    session.add(
        FocusMeasure(
            problem_id=problem.id, taken_on=body.taken_on, text=body.text, recorded_by=principal.sub
        )
    )
    if problem.measures_started_on is None:
        problem.measures_started_on = body.taken_on
    problem.version += 1
    problem.updated_at = datetime.now(UTC)
    await session.flush()
    return problem


async def delete_problem(
    session: AsyncSession, problem_id: uuid.UUID, if_match: str | None, principal: Principal
) -> None:
    """Delete a problem made by mistake; once measures are recorded it can only be resolved."""
    problem = await visible_problem(session, principal, problem_id, lock=True)
    check_version(problem.version, if_match)
    if await repository.has_measures(session, problem.id):
        raise ProblemError(
            409, "has-measures", "measures were recorded against this problem: resolve it instead"
        )
    await session.delete(problem)
    await session.flush()
