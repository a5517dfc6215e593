"""How an incident is shown to a caller: personal data masked unless the role needs it."""

from __future__ import annotations

from datetime import datetime

from incidents.intake.details import AgeBand, Attachment, Gender, Suspects
from incidents.intake.models import Incident
from incidents.intake.records import IncidentRecord
from incidents.intake.schemas import IncidentOut, LocationOut, ReporterOut
from pingan_shared.auth import Principal, Role
from pingan_shared.observability import mask_phones

SEES_REPORTER_PHONE = frozenset({Role.admin, Role.police, Role.community})


def present_incident(
    incident: Incident | IncidentRecord, category_name: str, principal: Principal
) -> IncidentOut:
    """The incident as `principal` may see it."""
    reporter = None
    if not incident.anonymous:
        phone = incident.reporter_phone
        if phone and not principal.has_any(SEES_REPORTER_PHONE):
            phone = mask_phones(phone)
        reporter = ReporterOut(name=incident.reporter_name, phone=phone)
    assert isinstance(incident.created_at, datetime)
    assert isinstance(incident.updated_at, datetime)
    return IncidentOut(
        id=incident.id,
        status=incident.status,
        version=incident.version,
        category=incident.category,
        category_name=category_name,
        severity=incident.severity,
        title=incident.title,
        description=incident.description,
        occurred_at=incident.occurred_at,
        occurred_from=incident.occurred_from,
        occurred_to=incident.occurred_to,
        location=LocationOut(lat=incident.lat, lon=incident.lon, address=incident.address),
        area_code=incident.area_code,
        anonymous=incident.anonymous,
        reporter=reporter,
        source=incident.source,
        external_ref=incident.external_ref,
        place_id=incident.place_id,
        suspects=_suspects(incident),
        modus_operandi=list(incident.modus_operandi or []),
        loss_amount=incident.loss_amount,
        attachments=[Attachment.model_validate(a) for a in incident.attachments or []],
        created_at=incident.created_at,
        updated_at=incident.updated_at,
    )


def _suspects(incident: Incident | IncidentRecord) -> Suspects | None:
    if incident.suspect_gender is None and incident.suspect_count is None:
        return None
    return Suspects(
        count=incident.suspect_count,
        gender=Gender(incident.suspect_gender or Gender.unknown),
        age_band=AgeBand(incident.suspect_age_band or AgeBand.unknown),
        non_local=incident.suspect_non_local,
        traits=incident.suspect_traits,
    )
