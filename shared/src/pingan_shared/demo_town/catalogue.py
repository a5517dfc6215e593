"""Code lists shared by the services: incident categories (案件类型), places, sources, kinds."""

from datetime import timedelta, timezone
from typing import Final, Literal

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact
# and needs no tz database on the host.
SHANGHAI: Final = timezone(timedelta(hours=8), "Asia/Shanghai")

Severity = Literal["low", "medium", "high", "critical"]
AreaLevel = Literal["county", "town", "community", "village", "grid"]
ContactRole = Literal["police_office", "community_staff", "patrol_leader", "duty_robot"]
UnitKind = Literal[
    "institution", "residential_compound", "campus", "market", "family", "community", "village"
]
Source = Literal["resident", "patrol", "police_office", "community_staff", "county_system"]

SEVERITIES: Final[tuple[Severity, ...]] = ("low", "medium", "high", "critical")

# Incident categories (案件类型): code → (Chinese name, default severity).
CATEGORIES: Final[dict[str, tuple[str, Severity]]] = {
    "theft": ("盗窃", "medium"),
    "burglary": ("入室盗窃", "high"),
    "robbery": ("抢劫抢夺", "high"),
    "fraud": ("诈骗", "medium"),
    "fight": ("打架斗殴", "medium"),
    "dispute": ("矛盾纠纷", "low"),
    "harassment": ("骚扰滋事", "low"),
    "drugs": ("涉毒", "high"),
    "gambling": ("涉赌", "medium"),
    "traffic": ("交通事故", "medium"),
    "fire_hazard": ("消防隐患", "medium"),
    "public_order": ("扰乱公共秩序", "low"),
    "other": ("其他", "low"),
}

# Places prone to incidents (易发案部位): code → Chinese name.
PLACE_KINDS: Final[dict[str, str]] = {
    "street": "街面",
    "residential_compound": "居民小区",
    "home": "住户家中",
    "market": "集贸市场",
    "campus": "校园周边",
    "institution": "机关单位",
    "shop": "商铺",
    "entertainment": "娱乐场所",
    "road": "道路",
    "transport_hub": "车站",
    "farmland": "田间山林",
    "online": "电话网络",
}

# Report channels (来源): code → Chinese name.
SOURCES: Final[dict[Source, str]] = {
    "resident": "群众报告",
    "patrol": "巡防发现",
    "police_office": "社区警务室",
    "community_staff": "社区(村)干部",
    "county_system": "县级平台转入",
}

AREA_LEVELS: Final[dict[AreaLevel, str]] = {
    "county": "县",
    "town": "镇",
    "community": "社区",
    "village": "村委会",
    "grid": "网格",
}

CONTACT_ROLES: Final[dict[ContactRole, str]] = {
    "police_office": "社区警务室",
    "community_staff": "社区(村)工作人员",
    "patrol_leader": "巡防队长",
    "duty_robot": "值班群机器人",
}

UNIT_KINDS: Final[dict[UnitKind, str]] = {
    "institution": "平安单位",
    "residential_compound": "平安小区",
    "campus": "平安校园",
    "market": "平安市场",
    "family": "平安家庭",
    "community": "社区",
    "village": "村委会",
}
