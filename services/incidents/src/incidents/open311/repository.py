"""Queries of the Open311 routes: the catalogue as services, incidents as service requests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.intake.models import Category, Incident
from incidents.listing.repository import area_prefix
from incidents.open311.models import Open311Request
from incidents.open311.schemas import RequestsQuery
from incidents.workflow.models import IncidentHandling

# Statuses that end the handling, as Open311's `closed`; every other one is `open`.
CLOSED = ("resolved", "closed", "rejected", "merged")

# (incident, service name, media URL, expected at, dispatch target's kind and name); the last
# three are None while the incident has no handling row.
RequestRow = Row[Incident, str, str | None, datetime | None, str | None, str | None]


async def active_categories(session: AsyncSession) -> list[Category]:
    """The active categories of the catalogue, by code."""
    query = select(Category).where(col(Category.active).is_(True)).order_by(col(Category.code))
    return list((await session.execute(query)).scalars())


# Open311 reads are public: they show what residents reported themselves, through Open311 or the
# public intake (the channel, not the `source` field, which staff also set when they record a
# resident's call), never the records of police offices, patrols or county systems, and never
# the kinds of case whose mere listing could endanger someone.
NOT_PUBLIC_CATEGORIES = ("drugs", "gambling")


def _expected() -> ColumnElement[datetime | None]:
    """When the request should be fulfilled: the resolve time limit once accepted, before that
    the accept time limit."""
    return case(
        (col(IncidentHandling.accepted_at).is_not(None), col(IncidentHandling.resolve_due)),
        else_=col(IncidentHandling.accept_due),
    )


def _requests() -> Select[Incident, str, str | None, datetime | None, str | None, str | None]:
    # One LEFT JOIN each: a page of requests is one statement, whatever its size.
    return (
        select(
            Incident,
            col(Category.name),
            col(Open311Request.media_url),
            _expected(),
            col(IncidentHandling.target_kind),
            col(IncidentHandling.target_name),
        )
        .join(Category, col(Category.code) == col(Incident.category))
        .outerjoin(Open311Request, col(Open311Request.incident_id) == col(Incident.id))
        .outerjoin(IncidentHandling, col(IncidentHandling.incident_id) == col(Incident.id))
        .where(
            or_(
                col(Incident.reported_by) == "public",
                col(Incident.reported_by).startswith("open311:"),
            ),
            col(Incident.category).not_in(NOT_PUBLIC_CATEGORIES),
        )
    )


async def find_requests(session: AsyncSession, query: RequestsQuery) -> Sequence[RequestRow]:
    """The incidents a `GET requests` asks for, newest request first, one page of them."""
    select_ = _requests()
    if query.ids:
        select_ = select_.where(col(Incident.id).in_(query.ids))
    else:
        if query.service_codes:
            select_ = select_.where(col(Incident.category).in_(query.service_codes))
        if query.start is not None:
            select_ = select_.where(col(Incident.created_at) >= query.start)
        if query.end is not None:
            select_ = select_.where(col(Incident.created_at) <= query.end)
        if query.updated_after is not None:
            select_ = select_.where(col(Incident.updated_at) > query.updated_after)
        if query.updated_before is not None:
            select_ = select_.where(col(Incident.updated_at) <= query.updated_before)
        if len(set(query.statuses)) == 1:
            closed = col(Incident.status).in_(CLOSED)
            select_ = select_.where(closed if query.statuses[0] == "closed" else ~closed)
        if query.area_prefix is not None:
            select_ = select_.where(area_prefix(query.area_prefix))
    # Page numbers are what the `page` extension defines; the 90-day window bounds the offset.
    select_ = (
        select_.order_by(col(Incident.created_at).desc(), col(Incident.id).desc())
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size)
    )
    return (await session.execute(select_)).all()


async def find_request(session: AsyncSession, incident_id: uuid.UUID) -> RequestRow | None:
    """One incident as a service request."""
    result = await session.execute(_requests().where(col(Incident.id) == incident_id))
    return result.first()


async def add_request(session: AsyncSession, request: Open311Request) -> None:
    """Record what the client sent beside the incident."""
    session.add(request)
    await session.flush()
