"""The query parameters of incident lists and exports, parsed once for both."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query
from pydantic import AwareDatetime, StringConstraints

from incidents.intake.models import IncidentStatus, Severity
from incidents.listing.schemas import BoundingBox, IncidentFilters, IncidentSort
from pingan_shared.errors import field_error

CategoryCode = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]
MAX_TEXT = 100


def parse_bbox(value: str) -> BoundingBox:
    """`minLon,minLat,maxLon,maxLat` → a box; a 422 naming `query.bbox` when it is not one."""
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or len(parts) != 4:
        raise field_error("query.bbox", "give four numbers: minLon,minLat,maxLon,maxLat")
    box = BoundingBox(*numbers)
    if not (-180 <= box.min_lon <= box.max_lon <= 180 and -90 <= box.min_lat <= box.max_lat <= 90):
        raise field_error(
            "query.bbox", "minimum must not exceed maximum; lon within ±180, lat within ±90"
        )
    return box


def incident_filters(
    status: Annotated[
        list[IncidentStatus] | None, Query(description="状态 status; repeat for several")
    ] = None,
    category: Annotated[
        list[CategoryCode] | None,
        Query(description="案件类型 category code; repeat for several", examples=["theft"]),
    ] = None,
    severity: Annotated[
        list[Severity] | None, Query(description="严重程度 severity; repeat for several")
    ] = None,
    area: Annotated[
        str | None,
        Query(pattern=r"^\d{1,20}$", description="区划 area code: it and everything inside it"),
    ] = None,
    place: Annotated[
        list[uuid.UUID] | None, Query(description="地点 registered place id; repeat for several")
    ] = None,
    occurred_from: Annotated[
        AwareDatetime | None, Query(description="发生时间 occurred at or after (inclusive)")
    ] = None,
    occurred_to: Annotated[
        AwareDatetime | None, Query(description="发生时间 occurred before (exclusive)")
    ] = None,
    bbox: Annotated[
        str | None,
        Query(
            description="范围 bounding box, WGS-84: minLon,minLat,maxLon,maxLat",
            examples=["102.46,25.55,102.48,25.56"],
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_TEXT,
            description="关键词 text found in the title or description",
        ),
    ] = None,
    team: Annotated[
        uuid.UUID | None,
        Query(description="巡防队 patrol team id: incidents dispatched to that team now"),
    ] = None,
    supervised: Annotated[
        bool | None,
        Query(description="督办 true: only supervised incidents; false: only the others"),
    ] = None,
) -> IncidentFilters:
    """Dependency: the filters of a list or export request."""
    if occurred_from and occurred_to and occurred_from >= occurred_to:
        raise field_error("query.occurred_from", "must be before occurred_to", "empty_period")
    text = q.strip() if q else None
    return IncidentFilters(
        statuses=tuple(dict.fromkeys(status or ())),
        categories=tuple(dict.fromkeys(category or ())),
        severities=tuple(dict.fromkeys(severity or ())),
        area=area,
        places=tuple(dict.fromkeys(place or ())),
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        bbox=parse_bbox(bbox) if bbox else None,
        text=text or None,
        team=team,
        supervised=supervised,
    )


def incident_sort(
    sort: Annotated[
        IncidentSort,
        Query(description="排序 order: -occurred_at (default), occurred_at, -created_at, severity"),
    ] = IncidentSort.newest,
) -> IncidentSort:
    """Dependency: the order of a list or export."""
    return sort


FiltersDep = Annotated[IncidentFilters, Depends(incident_filters)]
SortDep = Annotated[IncidentSort, Depends(incident_sort)]
