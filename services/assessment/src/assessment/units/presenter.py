"""How a unit is shown to a caller: the contact's phone masked unless the role needs it."""

from __future__ import annotations

from datetime import datetime

from assessment.units.models import Unit
from assessment.units.schemas import ContactOut, UnitOut
from pingan_shared.auth import Principal, Role
from pingan_shared.observability import mask_phones

SEES_CONTACT_PHONE = frozenset({Role.admin, Role.leader})


def present_unit(unit: Unit, principal: Principal) -> UnitOut:
    """The unit as `principal` may see it."""
    phone = unit.contact_phone
    if not principal.has_any(SEES_CONTACT_PHONE):
        phone = mask_phones(phone)
    assert isinstance(unit.created_at, datetime)
    assert isinstance(unit.updated_at, datetime)
    return UnitOut(
        id=unit.id,
        key=unit.key,
        kind=unit.kind,
        name=unit.name,
        area_code=unit.area_code,
        incidents_place_id=unit.incidents_place_id,
        contact=ContactOut(
            name=unit.contact_name, phone=phone, wecom_user_id=unit.contact_wecom_user_id
        ),
        parent_unit_id=unit.parent_unit_id,
        version=unit.version,
        created_at=unit.created_at,
        updated_at=unit.updated_at,
    )
