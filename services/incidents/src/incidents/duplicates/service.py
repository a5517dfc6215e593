"""Finding and listing a report's possible duplicates."""

from __future__ import annotations

import math
import uuid

from sqlalchemy import case, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.duplicates.models import DuplicateCandidate
from incidents.duplicates.schemas import PossibleDuplicate
from incidents.duplicates.scoring import THRESHOLD, likeness, limits_for
from incidents.intake.models import Incident, IncidentStatus
from pingan_shared.auth import Principal
from pingan_shared.geo import distance_m

METRES_PER_DEGREE = 111_320.0
NOT_CANDIDATES = (IncidentStatus.rejected, IncidentStatus.merged)


async def find_duplicates(session: AsyncSession, incident_id: uuid.UUID) -> int:
    """Score the earlier reports near `incident_id` in place and time; keep the likely ones."""
    incident = await session.get(Incident, incident_id)
    if incident is None:
        return 0
    limits = limits_for(incident.category)
    d_lat = limits.radius_m / METRES_PER_DEGREE
    d_lon = d_lat / max(math.cos(math.radians(incident.lat)), 0.01)
    query = (
        select(Incident)
        .where(
            col(Incident.id) != incident.id,
            col(Incident.category) == incident.category,
            col(Incident.status).not_in(NOT_CANDIDATES),
            col(Incident.occurred_at).between(
                incident.occurred_at - limits.window, incident.occurred_at + limits.window
            ),
            col(Incident.lat).between(incident.lat - d_lat, incident.lat + d_lat),
            col(Incident.lon).between(incident.lon - d_lon, incident.lon + d_lon),
        )
        .limit(200)
    )
    found = 0
    for other in (await session.execute(query)).scalars():
        alike = likeness(
            limits,
            distance_m(incident.lat, incident.lon, other.lat, other.lon),
            incident.occurred_at - other.occurred_at,
            incident.description,
            other.description,
        )
        if alike is None or alike.score < THRESHOLD:
            continue
        await session.execute(
            insert(DuplicateCandidate)
            .values(
                incident_id=incident.id,
                candidate_id=other.id,
                score=alike.score,
                distance_m=alike.distance_m,
                minutes_apart=alike.minutes_apart,
                text_similarity=alike.text_similarity,
            )
            .on_conflict_do_nothing()
        )
        found += 1
    return found


async def possible_duplicates(
    session: AsyncSession, incident_id: uuid.UUID, principal: Principal
) -> list[PossibleDuplicate]:
    """The reports that may repeat this one or that it may repeat, most alike first; only those
    inside the caller's areas (a neighbouring community's reports stay invisible)."""
    other = case(
        (col(DuplicateCandidate.incident_id) == incident_id, col(DuplicateCandidate.candidate_id)),
        else_=col(DuplicateCandidate.incident_id),
    )
    rows = await session.execute(
        select(DuplicateCandidate, other, col(Incident.area_code))
        .join(Incident, col(Incident.id) == other)
        .where(
            or_(
                col(DuplicateCandidate.incident_id) == incident_id,
                col(DuplicateCandidate.candidate_id) == incident_id,
            )
        )
        .order_by(col(DuplicateCandidate.score).desc())
    )
    return [
        PossibleDuplicate(
            incident_id=other_id,
            score=pair.score,
            distance_m=pair.distance_m,
            minutes_apart=pair.minutes_apart,
            text_similarity=pair.text_similarity,
        )
        for pair, other_id, area_code in rows.all()
        if principal.can_see(area_code)
    ]
