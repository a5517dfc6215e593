"""Where an incident happened, in words: the place phrase of a report and its postal address."""

import random

from pingan_shared.demo_town.areas import NUMERALS
from pingan_shared.demo_town.models import DemoArea, DemoUnit
from pingan_shared.demo_town.unit_names import STREETS

ADDRESS_PREFIX = "禄劝县屏山镇"
ALL_STREETS = tuple(sorted({s for streets in STREETS.values() for s in streets}))
NIGHT_SPOTS = ("烧烤摊", "宵夜摊", "烧烤店", "KTV", "酒吧")
FIELDS = ("田间", "山林边", "烤烟地里")


class PlaceNamer:
    """Names places after the units found in an area, so reports mention real-looking spots."""

    def __init__(
        self, rng: random.Random, units: tuple[DemoUnit, ...], exclude: frozenset[str]
    ) -> None:
        self.rng = rng
        # Each town unit keeps one address, on a street of its community (the street its name
        # mentions, if any: 南街农贸市场 is on 南街).
        self.addresses: dict[str, str] = {}
        for unit in units:
            if len(unit.area_code) == 15:
                streets = STREETS[unit.area_code[9:12]]
                named = [s for s in streets if s in unit.name]
                street = named[0] if named else rng.choice(streets)
                self.addresses[unit.name] = f"{street}{rng.randint(1, 199)}号{unit.name}"
        # Units by (kind, grid or village) and by (kind, community); the hot spots' own units
        # are left out so that only hot-spot incidents name them.
        self.names: dict[tuple[str, str], list[str]] = {}
        for unit in units:
            # Kindergartens are left out too: campus reports are about pupils and students.
            if unit.key in exclude or unit.name.endswith("幼儿园"):
                continue
            for code in {unit.area_code, unit.area_code[:12]}:
                self.names.setdefault((unit.kind, code), []).append(unit.name)

    def _address(self, name: str) -> str:
        """Return the postal address of a named town unit."""
        return ADDRESS_PREFIX + self.addresses[name]

    def _unit(self, kind: str, leaf: DemoArea) -> str | None:
        """Return a unit of this kind in the grid, else in its community, else None."""
        names = self.names.get((kind, leaf.code)) or self.names.get((kind, leaf.code[:12]))
        return self.rng.choice(names) if names else None

    def describe(self, kind: str, leaf: DemoArea, spot: str | None) -> tuple[str, str]:
        """Return (place phrase, address) for a place of this kind in a grid or village."""
        if leaf.level == "village":
            return self._village(kind, leaf)
        return self._town(kind, leaf, spot)

    def _village(self, kind: str, village: DemoArea) -> tuple[str, str]:
        """Villages are addressed by villagers' group (村民小组)."""
        group = f"{village.name}{NUMERALS[self.rng.randrange(8)]}组"
        address = ADDRESS_PREFIX + group
        if kind == "farmland":
            return group + self.rng.choice(FIELDS), address
        if kind == "road":
            return f"{village.name}村道", address
        if kind == "market":
            return self._unit("market", village) or f"{village.name}街子", address
        if kind == "campus":
            return f"{self._unit('campus', village) or village.name + '村小学'}门口", address
        if kind == "street":
            return f"{village.name}村委会附近", address
        return group, address

    def _town(self, kind: str, leaf: DemoArea, spot: str | None) -> tuple[str, str]:
        """Town places are a street number or a named unit, which keeps its own address."""
        street = self.rng.choice(STREETS[leaf.code[9:12]])
        base = f"{street}{self.rng.randint(1, 199)}号"
        phrase, unit = self._town_phrase(kind, street, base, leaf, spot)
        unit = spot or unit
        return phrase, self._address(unit) if unit else ADDRESS_PREFIX + base

    def _town_phrase(
        self, kind: str, street: str, base: str, leaf: DemoArea, spot: str | None
    ) -> tuple[str, str | None]:
        """Return the place phrase and the unit it names, if it names one."""
        if kind in ("residential_compound", "home", "online"):
            compound = spot or self._unit("residential_compound", leaf)
            in_house = spot is None and kind != "residential_compound" and self.rng.random() < 0.3
            if compound is None or in_house:
                return base, None
            building = f"{compound}{self.rng.randint(1, 12)}栋"
            if kind != "residential_compound":
                floor, room = self.rng.randint(1, 7), self.rng.randint(1, 4)
                building += f"{self.rng.randint(1, 3)}单元{floor}0{room}室"
            return building, compound
        if kind in ("market", "campus", "institution"):
            name = spot or self._unit(kind, leaf)
            if name is None:
                return (f"{street}路边摊点" if kind == "market" else base), None
            return name + {"market": "", "campus": "门口", "institution": "院内"}[kind], name
        if kind == "entertainment":
            return f"{spot or base}一{self.rng.choice(NIGHT_SPOTS)}", None
        if kind == "road":
            other = self.rng.choice([s for s in ALL_STREETS if s != street])
            return f"{street}与{other}交叉口", None
        if kind == "street":
            return f"{spot or base}附近", None
        return base, None
