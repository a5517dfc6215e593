"""The areas of 屏山镇 (禄劝县's county seat): communities, village committees and their grids.

Codes follow the statistical division codes (统计用区划代码): 6 digits county, 9 town, 12 community
(0xx) or village committee (2xx); a grid (网格) adds 3 digits to its community's code.
The layout is fixed data, independent of the seed, so area codes and centres never move.
"""

import math
from collections.abc import Iterable

from pingan_shared.demo_town.models import DemoArea
from pingan_shared.geo import distance_m, offset

COUNTY_CODE = "530128"
TOWN_CODE = "530128100"
TOWN_CENTRE = (25.5561, 102.4682)
COUNTY_POPULATION = 398_000
GRID_RING_M = 300.0
NUMERALS = "一二三四五六七八九"

# (suffix, name, lat, lon, population, grid count);
# 南街 + 北街 ≈ 15,000 residents, the speech's 1.5万.
COMMUNITIES = (
    ("001", "南街社区", 25.5528, 102.4688, 8_200, 5),
    ("002", "北街社区", 25.5597, 102.4676, 6_900, 5),
    ("003", "西街社区", 25.5563, 102.4612, 4_300, 4),
    ("004", "掌鸠河社区", 25.5549, 102.4758, 3_600, 3),
    ("005", "秀屏社区", 25.5642, 102.4609, 2_900, 3),
)

# (suffix, name, lat, lon, population): village committees (村委会) a few km around the seat.
VILLAGES = (
    ("201", "旧县村", 25.5398, 102.4531, 3_100),
    ("202", "崇德村", 25.5752, 102.4810, 2_600),
    ("203", "钱家村", 25.5470, 102.4905, 2_200),
    ("204", "大松树村", 25.5811, 102.4512, 1_900),
    ("205", "锁龙寺村", 25.5309, 102.4760, 2_400),
    ("206", "三家村", 25.5650, 102.4935, 1_700),
    ("207", "马鞍山村", 25.5290, 102.4440, 1_500),
)


def _grids(community: DemoArea, count: int, turn: float) -> list[DemoArea]:
    """Lay the grids of a community on a ring around its centre, sharing its population."""
    grids = []
    share, rest = divmod(community.population, count)
    for i in range(count):
        angle = turn + 2 * math.pi * i / count
        lat, lon = offset(
            community.lat,
            community.lon,
            GRID_RING_M * math.cos(angle),
            GRID_RING_M * math.sin(angle),
        )
        grids.append(
            DemoArea(
                code=f"{community.code}{i + 1:03d}",
                name=f"{community.name}第{NUMERALS[i]}网格",
                level="grid",
                parent_code=community.code,
                lat=lat,
                lon=lon,
                population=share + (rest if i == 0 else 0),
            )
        )
    return grids


def build_areas() -> tuple[DemoArea, ...]:
    """Return the county, the town, its communities with their grids, and its villages."""
    town_pop = sum(c[4] for c in COMMUNITIES) + sum(v[4] for v in VILLAGES)
    county = DemoArea(
        COUNTY_CODE, "禄劝彝族苗族自治县", "county", None, *TOWN_CENTRE, COUNTY_POPULATION
    )
    town = DemoArea(TOWN_CODE, "屏山镇", "town", COUNTY_CODE, *TOWN_CENTRE, town_pop)
    areas = [county, town]
    for index, (suffix, name, lat, lon, pop, grid_count) in enumerate(COMMUNITIES):
        community = DemoArea(TOWN_CODE + suffix, name, "community", TOWN_CODE, lat, lon, pop)
        areas.append(community)
        areas.extend(_grids(community, grid_count, turn=0.7 * index))
    for suffix, name, lat, lon, pop in VILLAGES:
        areas.append(DemoArea(TOWN_CODE + suffix, name, "village", TOWN_CODE, lat, lon, pop))
    return tuple(areas)


def leaf_areas(areas: Iterable[DemoArea]) -> tuple[DemoArea, ...]:
    """Return the grids and the villages: the smallest areas, which together cover the town."""
    return tuple(a for a in areas if a.level in ("grid", "village"))


def leaf_area_at(leaves: Iterable[DemoArea], lat: float, lon: float) -> DemoArea:
    """Return the smallest area a point lies in: the grid or village whose centre is nearest."""
    return min(leaves, key=lambda a: distance_m(lat, lon, a.lat, a.lon))
