"""The rules of lists and exports: the caller's areas bound every filter; phones masked as in
`GET /v1/incidents/{id}`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.intake import repository as intake
from incidents.intake.presenter import present_incident
from incidents.intake.schemas import IncidentOut
from incidents.listing import keyset, repository
from incidents.listing.schemas import IncidentFilters, IncidentSort
from incidents.privacy.reads import phone_shown, record_phone_reads
from pingan_shared.auth import Principal, effective_areas
from pingan_shared.db import Database
from pingan_shared.errors import field_error
from pingan_shared.pagination import Page, PageParams


@dataclass(frozen=True, slots=True)
class ListRequest:
    """A checked list or export request: the areas it may read and the names it shows."""

    filters: IncidentFilters
    sort: IncidentSort
    principal: Principal
    prefixes: tuple[str, ...]
    category_names: dict[str, str]


async def check_request(
    session: AsyncSession, filters: IncidentFilters, sort: IncidentSort, principal: Principal
) -> ListRequest:
    """Refuse unknown categories (422) and bound the request by the caller's areas.

    An `area` outside the caller's areas is not refused: the list is empty, as the data is
    invisible to the caller rather than forbidden.
    """
    names = await intake.category_names(session)
    unknown = [c for c in filters.categories if c not in names]
    if unknown:
        raise field_error("query.category", f"unknown category {unknown[0]!r}", "unknown_category")
    prefixes = tuple(effective_areas(filters.area, principal.areas))
    return ListRequest(filters, sort, principal, prefixes, names)


async def list_incidents(
    session: AsyncSession, request: ListRequest, page: PageParams
) -> Page[IncidentOut]:
    """One keyset page of the list."""
    if not request.prefixes:
        return Page[IncidentOut](items=[])
    after = keyset.parse_cursor(request.sort, page.after) if page.after else None
    incidents = await repository.page_of_incidents(
        session,
        request.filters,
        request.prefixes,
        request.sort,
        after=after,
        limit=page.limit + 1,
    )
    shown = incidents[: page.limit]
    items = [
        present_incident(i, request.category_names[i.category], request.principal) for i in shown
    ]
    await record_phone_reads(
        session,
        request.principal,
        [i.id for i, out in zip(shown, items, strict=True) if _clear(i.reporter_phone, out)],
        "incidents_list",
    )
    more = len(incidents) > page.limit
    return Page[IncidentOut](
        items=items, next_cursor=keyset.cursor_of(request.sort, shown[-1]) if more else None
    )


async def export_incidents(database: Database, request: ListRequest) -> AsyncIterator[IncidentOut]:
    """Every incident of the list, as the caller may see it, read in batches in a session of its
    own (an export streams after the request's session has closed)."""
    if not request.prefixes:
        return
    batch: list[IncidentOut] = []
    read: list[uuid.UUID] = []
    async with database.session() as session:
        stream = repository.stream_incidents(
            session, request.filters, request.prefixes, request.sort
        )
        async for incident in stream:
            name = request.category_names[incident.category]
            out = present_incident(incident, name, request.principal)
            batch.append(out)
            if _clear(incident.reporter_phone, out):
                read.append(incident.id)
            if len(batch) >= READ_RECORD_BATCH:
                await _record_then_clear(database, request.principal, read)
                for row in batch:
                    yield row
                batch.clear()
        await _record_then_clear(database, request.principal, read)
        for row in batch:
            yield row


READ_RECORD_BATCH = 500


async def _record_then_clear(
    database: Database, principal: Principal, read: list[uuid.UUID]
) -> None:
    # Recorded, and committed, before the rows go out: a client that hangs up halfway has
    # still been shown what it was shown.
    if read:
        async with database.session() as session:
            await record_phone_reads(session, principal, read, "incidents_export")
        read.clear()


def _clear(reporter_phone: str | None, out: IncidentOut) -> bool:
    return out.reporter is not None and phone_shown(reporter_phone, out.reporter.phone)
