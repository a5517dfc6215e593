"""Assessed units (平安单位/小区/校园/市场/家庭) and the community and village committees."""

import random

from pingan_shared.demo_town.areas import TOWN_CODE, leaf_area_at, leaf_areas
from pingan_shared.demo_town.catalogue import UnitKind
from pingan_shared.demo_town.hot_spots import HOT_SPOTS
from pingan_shared.demo_town.models import DemoArea, DemoUnit
from pingan_shared.demo_town.names import Person, PersonFactory
from pingan_shared.demo_town.unit_names import CAMPUSES, COMPOUNDS, INSTITUTIONS, MARKETS

FAMILIES = 10
# The speech places the 114 county-level institutions in the two street communities.
INSTITUTION_COMMUNITIES = (TOWN_CODE + "001", TOWN_CODE + "002")
# Community residents' committees (居委会) and village committees (村委会) are assessed too.
COMMITTEES: dict[str, tuple[UnitKind, str]] = {
    "community": ("community", "居民委员会"),
    "village": ("village", "村民委员会"),
}


class _UnitList:
    """Collects units, giving each a generated contact person."""

    def __init__(self, people: PersonFactory) -> None:
        self.people = people
        self.units: list[DemoUnit] = []

    def add(
        self, key: str, kind: UnitKind, name: str, area_code: str, person: Person | None = None
    ) -> None:
        """Add a unit whose contact is a new person reachable on WeCom (families are not)."""
        person = person or self.people.person()
        wecom = None if kind == "family" else f"demo-{key}"
        self.units.append(DemoUnit(key, kind, name, area_code, person.name, person.phone, wecom))


def _place_in(area: DemoArea, areas: tuple[DemoArea, ...], rng: random.Random) -> str:
    """Return a grid of a community chosen at random, or the village itself."""
    grids = [a.code for a in areas if a.parent_code == area.code]
    return rng.choice(grids) if grids else area.code


def build_units(
    areas: tuple[DemoArea, ...], people: PersonFactory, rng: random.Random
) -> tuple[DemoUnit, ...]:
    """Return the institutions, compounds, campuses, markets, families and committees."""
    by_code = {a.code: a for a in areas}
    leaves = leaf_areas(areas)
    # A hot spot's unit sits in the grid the hot spot lies in, whatever its list entry says.
    hot_spot_grid = {h.unit_key: leaf_area_at(leaves, h.lat, h.lon).code for h in HOT_SPOTS}
    units = _UnitList(people)
    street_grids = [a.code for a in leaves if a.parent_code in INSTITUTION_COMMUNITIES]
    for i, name in enumerate(INSTITUTIONS, start=1):
        units.add(f"inst-{i:03d}", "institution", name, rng.choice(street_grids))
    lists: tuple[tuple[UnitKind, str, tuple[tuple[str, str], ...]], ...] = (
        ("residential_compound", "compound", COMPOUNDS),
        ("campus", "campus", CAMPUSES),
        ("market", "market", MARKETS),
    )
    for kind, prefix, entries in lists:
        for i, (name, suffix) in enumerate(entries, start=1):
            key = f"{prefix}-{i:02d}"
            area_code = hot_spot_grid.get(key) or _place_in(by_code[TOWN_CODE + suffix], areas, rng)
            units.add(key, kind, name, area_code)
    weights = [a.population for a in leaves]
    for i in range(1, FAMILIES + 1):
        area = rng.choices(leaves, weights)[0]
        person = people.person()
        units.add(f"family-{i:02d}", "family", f"{person.name}家庭", area.code, person)
    for area in areas:
        if area.level in COMMITTEES:
            kind, title = COMMITTEES[area.level]
            units.add(f"{kind}-{area.code[-3:]}", kind, area.name + title, area.code)
    return tuple(units.units)
