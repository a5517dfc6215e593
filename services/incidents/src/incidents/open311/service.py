"""The rules of Open311: a key's client reports as a `service` principal in the key's areas;
the public reads requests without anything of their reporters."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, tzinfo

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.areas import repository as areas
from incidents.intake import repository as intake
from incidents.intake.models import Source
from incidents.intake.schemas import IncidentCreate, Location, Reporter
from incidents.intake.service import report_incident
from incidents.open311 import keys, repository
from incidents.open311.errors import Open311Error
from incidents.open311.models import Open311Request
from incidents.open311.repository import RequestRow
from incidents.open311.schemas import CreatedRequest, NewRequest, ServiceRequest
from incidents.workflow.models import TargetKind
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError
from pingan_shared.observability import mask_phones

SERVICE_NOTICE = (
    "已受理上报,由属地社区和警务室核实处置。"
    " Received: the area's community staff and police office will check and handle it."
)
# A community staff target is a person: the public sees their office, not their name.
COMMUNITY_STAFF = "社区工作人员 Community staff"
STATUS_NOTES = {
    "reported": "已上报,等待受理 Reported, waiting to be accepted",
    "accepted": "已受理 Accepted",
    "rejected": "不予受理 Rejected: not a matter for public-order handling",
    "merged": "已合并到同一事件的报告 Merged into another report of the same incident",
    "dispatched": "已分拨处置力量 Dispatched to a team or office",
    "in_progress": "正在处置 Being handled",
    "resolved": "已处置完毕 Resolved",
    "closed": "已办结 Closed",
    "reopened": "已重新打开 Reopened",
}


async def api_key_principal(
    session: AsyncSession, api_key: str | None
) -> tuple[uuid.UUID, Principal]:
    """The key record id and principal of a presented api_key; 403 without a valid one."""
    if not api_key:
        raise Open311Error(403, "api_key was not provided -- can't proceed with create_request.")
    found = await keys.find_active_key(session, api_key)
    if found is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    return found.id, keys.principal_of(found)


async def create_request(
    session: AsyncSession, new: NewRequest, api_key_id: uuid.UUID, principal: Principal
) -> CreatedRequest:
    """Report an incident from an Open311 request through the ordinary intake rules."""
    category = await intake.get_category(session, new.service_code)
    if category is None:
        raise Open311Error(404, f"service_code {new.service_code!r} was not found")
    area = await areas.get_area(session, new.area_code)
    if area is None:
        raise Open311Error(404, f"jurisdiction_id {new.area_code!r} was not found")
    lat, lon = new.lat, new.lon
    if lat is None or lon is None:
        # Without a geocoder an address places the report at its area's centre.
        if area.lat is None or area.lon is None:
            raise Open311Error(400, "lat, long: required in this jurisdiction")
        lat, lon = area.lat, area.lon
    anonymous = new.reporter_name is None and new.reporter_phone is None
    try:
        body = IncidentCreate(
            category=category.code,
            description=new.description or category.name,
            occurred_at=datetime.now(UTC),
            location=Location(lat=lat, lon=lon, address=new.address),
            area_code=area.code,
            reporter=Reporter(
                name=new.reporter_name, phone=new.reporter_phone, anonymous=anonymous
            ),
            source=Source.resident,
        )
    except ValidationError as exc:
        # The form's checks mirror the report's; this catches any rule added to it later.
        raise Open311Error(
            400, *[f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        ) from None
    try:
        reported = await report_incident(session, body, principal)
    except ProblemError as exc:
        if exc.status == 403:
            raise Open311Error(
                403, f"this api_key may not report in jurisdiction_id {area.code!r}"
            ) from None
        raise
    await repository.add_request(
        session,
        Open311Request(
            incident_id=reported.incident.id,
            api_key_id=api_key_id,
            account_id=new.account_id,
            media_url=new.media_url,
        ),
    )
    return CreatedRequest(
        service_request_id=str(reported.incident.id),
        service_notice=SERVICE_NOTICE,
        account_id=new.account_id,
    )


def _w3c(moment: datetime | None, zone: tzinfo) -> str:
    assert moment is not None
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _agency(target_kind: str | None, target_name: str | None) -> str | None:
    if target_kind == TargetKind.community_staff:
        return COMMUNITY_STAFF
    return target_name


PUBLIC_DECIMALS = 3  # 0.001° is about 110 m of latitude


def service_request(row: RequestRow, zone: tzinfo) -> ServiceRequest:
    """An incident as the public sees it: no reporter, phones in the text masked; when it is
    expected to be handled and by whom, from its handling."""
    incident, service_name, media_url, expected, target_kind, target_name = row
    status = incident.status.value
    return ServiceRequest(
        service_request_id=str(incident.id),
        status="closed" if status in repository.CLOSED else "open",
        status_notes=STATUS_NOTES.get(status, status),
        service_name=service_name,
        service_code=incident.category,
        description=mask_phones(incident.description),
        agency_responsible=_agency(target_kind, target_name),
        service_notice=None,
        requested_datetime=_w3c(incident.created_at, zone),
        updated_datetime=_w3c(incident.updated_at, zone),
        expected_datetime=_w3c(expected, zone) if expected is not None else None,
        # A public map needs the neighbourhood, not the door: positions are rounded to about
        # 100 m and street addresses left out, so a resident's report does not point at a home.
        address=None,
        address_id=None,
        zipcode=None,
        lat=round(incident.lat, PUBLIC_DECIMALS),
        long=round(incident.lon, PUBLIC_DECIMALS),
        media_url=media_url,
    )
