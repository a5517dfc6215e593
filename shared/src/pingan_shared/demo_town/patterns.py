"""When, how often and by whom: the distributions behind the demo incidents (作案规律)."""

from typing import Final

from pingan_shared.demo_town.catalogue import Source
from pingan_shared.demo_town.models import AgeBand, Gender

DAYS_BACK: Final = 178  # incidents fall on the 178 local days before `now`, inside six months
INCIDENTS_TOTAL: Final = 300

# Weights by hour of day, 0..23.
HOURS: Final[dict[str, tuple[float, ...]]] = {
    "day": (1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 8, 7, 6, 7, 8, 8, 8, 7, 6, 5, 4, 2, 1),
    "evening": (
        5,
        4,
        3,
        2,
        1,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        1,
        1,
        1,
        1,
        1,
        2,
        3,
        6,
        9,
        11,
        12,
        11,
        9,
    ),
    "commute": (1, 1, 1, 1, 1, 2, 4, 9, 9, 5, 4, 6, 8, 5, 4, 4, 6, 9, 9, 6, 4, 3, 2, 1),
    "market": (0, 0, 0, 0, 0, 1, 3, 8, 12, 12, 11, 9, 6, 4, 3, 2, 2, 2, 1, 1, 0, 0, 0, 0),
    "night_market": (6, 4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 7, 10, 12, 10),
}

# Weights by weekday, Monday..Sunday. Sunday is the town's market day (街天).
WEEKDAYS: Final[dict[str, tuple[float, ...]]] = {
    "flat": (1, 1, 1, 1, 1, 1, 1),
    "weekend": (1, 1, 1, 1, 1.8, 3, 2.6),
    "market_day": (1, 1, 1, 1, 1, 1.2, 5),
    "workday": (1, 1, 1, 1, 1, 0, 0),
}

# Per category: (hour profile, weekday profile).
TIMING: Final[dict[str, tuple[str, str]]] = {
    "theft": ("day", "flat"),
    "burglary": ("day", "flat"),
    "robbery": ("evening", "weekend"),
    "fraud": ("day", "flat"),
    "fight": ("evening", "weekend"),
    "dispute": ("day", "flat"),
    "harassment": ("evening", "weekend"),
    "drugs": ("evening", "weekend"),
    "gambling": ("evening", "weekend"),
    "traffic": ("commute", "flat"),
    "fire_hazard": ("day", "flat"),
    "public_order": ("evening", "weekend"),
    "other": ("day", "flat"),
}

# How often each category turns up away from the hot spots, in the town and in the villages.
TOWN_MIX: Final[dict[str, float]] = {
    "theft": 22, "dispute": 18, "fraud": 15, "traffic": 9, "fight": 6, "public_order": 6,
    "fire_hazard": 6, "harassment": 5, "other": 5, "burglary": 4, "gambling": 2, "robbery": 1,
    "drugs": 1,
}  # fmt: skip
VILLAGE_MIX: Final[dict[str, float]] = {
    "dispute": 26, "theft": 14, "fraud": 12, "traffic": 10, "fire_hazard": 10, "gambling": 8,
    "fight": 6, "other": 6, "burglary": 5, "harassment": 2, "public_order": 1,
}  # fmt: skip
VILLAGE_RATE: Final = 0.6  # incidents per resident in a village, relative to the town

# Hot-spot plans: hot spot key → (hour profile, weekday profile, spread in metres,
# ((category, place kind, count), ...)). The burglary series adds to 锦绣花园.
HOT_SPOT_PLANS: Final[dict[str, tuple[str, str, float, tuple[tuple[str, str, int], ...]]]] = {
    "south-market": (
        "market",
        "market_day",
        60.0,
        (("theft", "market", 20), ("dispute", "market", 6), ("fraud", "market", 6)),
    ),
    "jinxiu-garden": (
        "day",
        "flat",
        50.0,
        (
            ("theft", "residential_compound", 10),
            ("fire_hazard", "residential_compound", 2),
            ("dispute", "residential_compound", 2),
        ),
    ),
    "night-market": (
        "night_market",
        "weekend",
        60.0,
        (
            ("fight", "entertainment", 8),
            ("public_order", "entertainment", 6),
            ("harassment", "street", 4),
            ("theft", "entertainment", 3),
            ("drugs", "entertainment", 2),
            ("robbery", "street", 2),
        ),
    ),
}
SERIES_SIZE: Final = 9
SERIES_DAYS_BACK: Final = (40, 115)  # the series ran over these days before `now`

# Who reports what: default source weights, and categories that differ.
SOURCE_WEIGHTS: Final[dict[str, dict[Source, float]]] = {
    "default": {
        "resident": 45, "patrol": 20, "police_office": 15, "community_staff": 12,
        "county_system": 8,
    },
    "fraud": {"resident": 60, "county_system": 30, "police_office": 10},
    "fire_hazard": {"patrol": 35, "community_staff": 30, "resident": 30, "police_office": 5},
    "public_order": {"patrol": 45, "resident": 35, "police_office": 10, "county_system": 10},
}  # fmt: skip
# Share of reports that are anonymous, by source: about a quarter overall.
ANONYMOUS_SHARE: Final[dict[Source, float]] = {"resident": 0.5, "county_system": 0.3}

# Suspect profiles: (count range, genders, age bands, share non-local, traits, share known).
SuspectProfile = tuple[
    tuple[int, int], tuple[Gender, ...], tuple[AgeBand, ...], float, tuple[str, ...], float
]
SUSPECTS: Final[dict[str, SuspectProfile]] = {
    "thief": ((1, 2), ("male", "unknown"), ("18_25", "26_35", "unknown"), 0.6,
              ("戴头盔", "骑电动车", "戴口罩"), 0.25),
    "series": ((2, 2), ("male",), ("26_35",), 1.0, ("外地口音", "戴鸭舌帽", "背双肩包"), 0.4),
    "pickpocket": ((1, 3), ("male", "mixed"), ("26_35", "36_50"), 0.8,
                   ("外地口音", "结伙作案", "专挑老人下手"), 0.5),
    "moto_pair": ((2, 2), ("male",), ("18_25",), 0.7, ("驾驶无牌摩托车", "戴头盔"), 0.9),
    "youths": ((2, 5), ("male", "mixed"), ("under_18", "18_25"), 0.3,
               ("社会闲散青年", "染发"), 0.9),
    "phone_fraud": ((1, 1), ("unknown", "male", "female"), ("unknown",), 1.0,
                    ("境外电话号码", "自称客服"), 0.8),
    "sales_crew": ((2, 4), ("mixed",), ("26_35", "36_50"), 1.0, ("外地口音", "发放小礼品"), 0.9),
    "stranger": ((1, 2), ("male",), ("26_35", "36_50"), 0.9, ("外地口音", "以推销为名"), 0.9),
    "drinkers": ((2, 6), ("male",), ("18_25", "26_35", "36_50"), 0.4, ("酒后", "务工人员"), 1.0),
    "students": ((3, 6), ("male",), ("under_18",), 0.0, ("在校学生",), 1.0),
    "villagers": ((2, 4), ("male", "mixed"), ("36_50", "over_50"), 0.0, ("邻居",), 1.0),
    "drunk": ((1, 1), ("male",), ("26_35", "36_50"), 0.3, ("醉酒",), 1.0),
    "follower": ((1, 1), ("male",), ("18_25", "26_35"), 0.6, ("身穿深色衣服",), 0.8),
    "drug_users": ((2, 4), ("mixed", "male"), ("18_25", "26_35"), 0.5,
                   ("神情恍惚", "夜间聚集"), 0.8),
    "gamblers": ((4, 10), ("mixed", "male"), ("36_50", "over_50"), 0.2,
                 ("固定场所", "有人放哨"), 0.9),
}  # fmt: skip
