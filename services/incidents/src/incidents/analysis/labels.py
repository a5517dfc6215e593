"""Chinese names of the coded values analyses group by, for readers of the answers (中文名称)."""

from __future__ import annotations

from incidents.intake.details import AgeBand, Gender
from incidents.intake.models import Severity, Source
from incidents.places.models import PlaceKind
from incidents.public.schemas import STATUS_NAMES

SOURCE_NAMES = {
    Source.resident: "群众",
    Source.patrol: "巡防队员",
    Source.police_office: "警务室",
    Source.community_staff: "社区工作人员",
    Source.county_system: "县级系统",
}
SEVERITY_NAMES = {
    Severity.low: "轻微",
    Severity.medium: "一般",
    Severity.high: "较重",
    Severity.critical: "严重",
}
PLACE_KIND_NAMES = {
    PlaceKind.institution: "机关企事业单位",
    PlaceKind.residential_compound: "居民小区",
    PlaceKind.campus: "校园",
    PlaceKind.market: "市场",
    PlaceKind.family: "家庭",
    PlaceKind.street: "街道",
    PlaceKind.shop: "商铺",
    PlaceKind.entertainment: "娱乐场所",
    PlaceKind.transport: "车站、停车场",
    PlaceKind.guard_point: "保安守点",
    PlaceKind.other: "其他",
}
GENDER_NAMES = {
    Gender.male: "男",
    Gender.female: "女",
    Gender.mixed: "男女均有",
    Gender.unknown: "不详",
}
AGE_BAND_NAMES = {
    AgeBand.under_18: "18 岁以下",
    AgeBand.age_18_25: "18–25 岁",
    AgeBand.age_26_35: "26–35 岁",
    AgeBand.age_36_50: "36–50 岁",
    AgeBand.over_50: "50 岁以上",
    AgeBand.unknown: "不详",
}
ORIGIN_NAMES = {"local": "本地", "non_local": "外来流动人口"}
NOT_RECORDED = "未记录"
BY_CODE: dict[str, dict[str, str]] = {
    "source": {k.value: v for k, v in SOURCE_NAMES.items()},
    "status": {k.value: v for k, v in STATUS_NAMES.items()},
    "severity": {k.value: v for k, v in SEVERITY_NAMES.items()},
    "place_kind": {k.value: v for k, v in PLACE_KIND_NAMES.items()},
    "gender": {k.value: v for k, v in GENDER_NAMES.items()},
    "age_band": {k.value: v for k, v in AGE_BAND_NAMES.items()},
    "origin": ORIGIN_NAMES,
}


def name_of(dimension: str, code: str | None) -> str:
    """The Chinese name of a coded value of `dimension`; 未记录 for none, the code if unknown."""
    if code is None:
        return NOT_RECORDED
    return BY_CODE.get(dimension, {}).get(code, code)
