"""The columns of a unit list (the town's Excel sheets) and checking one row of it, with the
same rules as `POST /v1/units`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from assessment.units.models import UnitKind
from assessment.units.schemas import UnitCreate
from pingan_shared.spreadsheets import RowError

# field -> the headers a sheet may give it (the first is what exports write).
LABELS: dict[str, tuple[str, ...]] = {
    "key": ("外部编号", "单位编号", "编号"),
    "kind": ("类型", "单位类型"),
    "name": ("单位名称", "名称"),
    "area_code": ("区划代码",),
    "incidents_place_id": ("地点编号",),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话", "手机号", "手机"),
    "contact_wecom_user_id": ("企业微信", "企业微信账号"),
    "parent": ("上级单位",),
}
REQUIRED = frozenset({"kind", "name", "area_code", "contact_name", "contact_phone"})
COLUMNS: tuple[str, ...] = tuple(LABELS)

# The kinds as the town writes them; exports write the first name of each kind.
KIND_NAMES: dict[UnitKind, tuple[str, ...]] = {
    UnitKind.institution: ("平安单位", "单位", "机关单位", "企事业单位"),
    UnitKind.residential_compound: ("平安小区", "小区", "住宅小区"),
    UnitKind.campus: ("平安校园", "校园", "学校"),
    UnitKind.market: ("平安市场", "市场", "集贸市场", "农贸市场"),
    UnitKind.family: ("平安家庭", "家庭"),
    UnitKind.community: ("社区", "居委会", "社区居委会", "居民委员会"),
    UnitKind.village: ("村委会", "村", "村民委员会"),
}
KIND_MESSAGE = "unknown kind; use one of " + ", ".join(names[0] for names in KIND_NAMES.values())
_KIND_BY_NAME = {name: kind for kind, names in KIND_NAMES.items() for name in names}
# Where pydantic reports a field of the body, in the sheet's terms.
_FIELD_OF_LOCATION: dict[tuple[str, ...], str] = {
    ("contact", "name"): "contact_name",
    ("contact", "phone"): "contact_phone",
    ("contact", "wecom_user_id"): "contact_wecom_user_id",
}


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A row that passed the body's rules; `parent` is the parent's key or name as written."""

    number: int
    unit: UnitCreate
    parent: str | None

    @property
    def natural_key(self) -> tuple[str, str]:
        """(area_code, name): what tells units apart when they carry no key."""
        return self.unit.area_code, self.unit.name


def cell_text(value: Any) -> str:
    """A cell as text: Excel keeps codes and phone numbers as numbers (13812345678.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _body(row: dict[str, Any]) -> dict[str, Any]:
    text = {field: cell_text(value) for field, value in row.items()}
    kind = text.get("kind")
    if kind is not None:
        found = _KIND_BY_NAME.get(kind)
        text["kind"] = found.value if found is not None else kind
    contact = {
        sub: text[f"contact_{sub}"]
        for sub in ("name", "phone", "wecom_user_id")
        if f"contact_{sub}" in text
    }
    body: dict[str, Any] = {
        k: text[k] for k in ("key", "kind", "name", "area_code", "incidents_place_id") if k in text
    }
    body["contact"] = contact
    return body


def check_row(
    number: int, row: dict[str, Any], columns: dict[str, str]
) -> UnitRow | list[RowError]:
    """The row as a unit to register, or its errors, each naming the column as the sheet
    heads it."""
    try:
        unit = UnitCreate.model_validate(_body(row))
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            location = tuple(str(p) for p in e["loc"])
            field = _FIELD_OF_LOCATION.get(location[:2], location[0] if location else "row")
            message = KIND_MESSAGE if field == "kind" and e["type"] == "enum" else e["msg"]
            errors.append(RowError(number, columns.get(field, field), message))
        return errors
    parent = cell_text(row["parent"]) if "parent" in row else None
    return UnitRow(number, unit, parent or None)
