"""The demo town's records: plain frozen dataclasses, loaded by each service into its own tables."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pingan_shared.demo_town.catalogue import AreaLevel, ContactRole, Severity, Source, UnitKind

Gender = Literal["male", "female", "mixed", "unknown"]
AgeBand = Literal["under_18", "18_25", "26_35", "36_50", "over_50", "unknown"]


@dataclass(frozen=True, slots=True)
class DemoArea:
    """An area (区划) with its statistical division code; its parent's code is a prefix of it."""

    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    lat: float
    lon: float
    population: int


@dataclass(frozen=True, slots=True)
class DemoContact:
    """A person or a WeCom duty-group robot (值班群机器人) reachable for an area."""

    area_code: str
    name: str
    role: ContactRole
    phone: str | None
    wecom_user_id: str | None
    wecom_robot_key: str | None


@dataclass(frozen=True, slots=True)
class DemoUnit:
    """An assessed unit (平安单位/小区/校园/市场/家庭, or a community or village committee)."""

    key: str
    kind: UnitKind
    name: str
    area_code: str
    contact_name: str
    contact_phone: str
    contact_wecom_user_id: str | None


@dataclass(frozen=True, slots=True)
class DemoSuspects:
    """What is known of the perpetrators (作案人员特点)."""

    count: int | None
    gender: Gender
    age_band: AgeBand
    non_local: bool | None
    traits: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoIncident:
    """A reported incident (警情), with `occurred_at` or else the window `occurred_from`/`_to`."""

    external_ref: str
    category: str
    severity: Severity
    title: str
    description: str
    occurred_at: datetime | None
    occurred_from: datetime | None
    occurred_to: datetime | None
    lat: float
    lon: float
    coord_system: Literal["wgs84", "gcj02"]
    address: str
    area_code: str
    place_kind: str
    reporter_name: str | None
    reporter_phone: str | None
    anonymous: bool
    source: Source
    suspects: DemoSuspects | None
    modus_operandi: str | None
    loss_amount: Decimal | None


@dataclass(frozen=True, slots=True)
class DemoHotSpot:
    """A place the demo incidents cluster around (易发案部位), the answer analysis should find."""

    key: str
    name: str
    lat: float
    lon: float
    unit_key: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoTown:
    """The whole demo town: areas, contacts, assessed units and six months of incidents."""

    seed: int
    now: datetime
    areas: tuple[DemoArea, ...]
    contacts: tuple[DemoContact, ...]
    units: tuple[DemoUnit, ...]
    incidents: tuple[DemoIncident, ...]
    hot_spots: tuple[DemoHotSpot, ...]

    def area(self, code: str) -> DemoArea:
        """Return the area with this code; KeyError if there is none."""
        for area in self.areas:
            if area.code == code:
                return area
        raise KeyError(code)

    def contacts_for(self, code: str) -> tuple[DemoContact, ...]:
        """Return the contacts registered for exactly this area code."""
        return tuple(c for c in self.contacts if c.area_code == code)

    def children(self, code: str) -> tuple[DemoArea, ...]:
        """Return the areas whose parent is this code."""
        return tuple(a for a in self.areas if a.parent_code == code)
