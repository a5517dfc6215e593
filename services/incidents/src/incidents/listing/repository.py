"""Queries of incident lists and exports: filters, keyset order, pages and streams, in SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, text, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.intake.models import Incident
from incidents.listing import keyset
from incidents.listing.schemas import IncidentFilters, IncidentSort
from incidents.workflow.models import IncidentHandling, TargetKind

STREAM_BATCH = 1000


def area_prefix(prefix: str) -> ColumnElement[bool]:
    """`area_code` starts with `prefix`, as a range the `text_pattern_ops` indexes answer.

    A range of byte-wise operators rather than `LIKE :p || '%'`: a cached generic plan cannot
    see inside a LIKE pattern given as a parameter, but it can use a range.
    """
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    column = col(Incident.area_code)
    return and_(column.bool_op("~>=~")(prefix), column.bool_op("~<~")(upper))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def conditions(filters: IncidentFilters, prefixes: Sequence[str]) -> list[ColumnElement[bool]]:
    """The WHERE of a list: inside one of `prefixes` (never empty) and matching `filters`."""
    where: list[ColumnElement[bool]] = [or_(*[area_prefix(p) for p in prefixes])]
    if filters.statuses:
        where.append(col(Incident.status).in_(filters.statuses))
    if filters.categories:
        where.append(col(Incident.category).in_(filters.categories))
    if filters.severities:
        where.append(col(Incident.severity).in_(filters.severities))
    if filters.places:
        where.append(col(Incident.place_id).in_(filters.places))
    if filters.occurred_from is not None:
        where.append(col(Incident.occurred_at) >= filters.occurred_from)
    if filters.occurred_to is not None:
        where.append(col(Incident.occurred_at) < filters.occurred_to)
    if filters.bbox is not None:
        box = filters.bbox
        # The same expression as the GiST index `ix_incidents_location`.
        where.append(
            func.point(col(Incident.lon), col(Incident.lat)).bool_op("<@")(
                func.box(func.point(box.min_lon, box.min_lat), func.point(box.max_lon, box.max_lat))
            )
        )
    if filters.text:
        pattern = f"%{_like_escape(filters.text)}%"
        where.append(
            or_(
                col(Incident.title).ilike(pattern, escape="\\"),
                col(Incident.description).ilike(pattern, escape="\\"),
            )
        )
    where.extend(_handling_conditions(filters))
    return where


def _handling(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The incident's handling row matches `conditions` (a semi-join: one row per incident, and
    the list's own order and keyset stay as they are)."""
    return exists().where(col(IncidentHandling.incident_id) == col(Incident.id), *conditions)


def _handling_conditions(filters: IncidentFilters) -> list[ColumnElement[bool]]:
    # The plain column, not `IS TRUE`: only then does PostgreSQL see that the condition implies
    # the partial index's `WHERE supervised` (migration 0010_listing_team).
    supervised = col(IncidentHandling.supervised) == true()
    if filters.team is not None:
        # A dispatched incident has a handling row: both filters are one semi-join, started from
        # the team's partial index.
        team = [
            col(IncidentHandling.target_kind) == TargetKind.patrol_team.value,
            col(IncidentHandling.target_id) == str(filters.team),
        ]
        if filters.supervised is not None:
            team.append(supervised if filters.supervised else ~supervised)
        return [_handling(*team)]
    if filters.supervised is None:
        return []
    # An incident without a handling row is not supervised.
    return [_handling(supervised) if filters.supervised else ~_handling(supervised)]


def list_query(
    filters: IncidentFilters,
    prefixes: Sequence[str],
    sort: IncidentSort,
    after: Sequence[Any] | None = None,
) -> Select[Incident]:
    """The incidents a list shows, in the sort's order, after the cursor's values."""
    query = select(Incident).where(*conditions(filters, prefixes))
    if after is not None:
        query = query.where(keyset.after(sort, after))
    return query.order_by(*keyset.order_by(sort))


async def plan_for_these_values(session: AsyncSession) -> None:
    """Have PostgreSQL plan the list query for each request's own values, in this transaction.

    The driver prepares statements, and after five runs PostgreSQL may switch to one generic
    plan that cannot see how wide an area prefix or a category is; over a million incidents that
    plan intersects whole-index bitmaps and takes 80 ms where the value-aware plan takes 1 ms.
    """
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def page_of_incidents(
    session: AsyncSession,
    filters: IncidentFilters,
    prefixes: Sequence[str],
    sort: IncidentSort,
    *,
    after: Sequence[Any] | None,
    limit: int,
) -> list[Incident]:
    """Up to `limit` incidents of the list after the cursor's values."""
    query = list_query(filters, prefixes, sort, after).limit(limit)
    await plan_for_these_values(session)
    return list((await session.execute(query)).scalars())


async def stream_incidents(
    session: AsyncSession, filters: IncidentFilters, prefixes: Sequence[str], sort: IncidentSort
) -> AsyncIterator[Incident]:
    """Every incident of the list, read through a server-side cursor in batches."""
    query = list_query(filters, prefixes, sort).execution_options(yield_per=STREAM_BATCH)
    await plan_for_these_values(session)
    result = await session.stream_scalars(query)
    async for incident in result:
        yield incident
