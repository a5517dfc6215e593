"""Six months of incidents (警情) with the patterns analysis should find: hot spots, evening and
weekend peaks, market-day pickpocketing and a daytime burglary series."""

import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from pingan_shared.demo_town import patterns as p
from pingan_shared.demo_town.areas import leaf_area_at, leaf_areas
from pingan_shared.demo_town.catalogue import CATEGORIES, SEVERITIES, SHANGHAI, Severity, Source
from pingan_shared.demo_town.hot_spots import HOT_SPOTS
from pingan_shared.demo_town.incident_templates import SERIES, SERIES_METHODS, TEMPLATES, Template
from pingan_shared.demo_town.models import (
    DemoArea,
    DemoContact,
    DemoHotSpot,
    DemoIncident,
    DemoSuspects,
    DemoUnit,
)
from pingan_shared.demo_town.names import PersonFactory
from pingan_shared.demo_town.places import PlaceNamer
from pingan_shared.geo import offset

TOWN_SPREAD_M = 320.0  # background incidents fall within this distance of a grid's centre
VILLAGE_SPREAD_M = 650.0
REPORTER_ROLE = {"patrol": "patrol_leader", "police_office": "police_office"}

# A moment (发案时间), or a window (发案时间段) for what is found only afterwards.
When = datetime | tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class _Scene:
    """Where one incident happened: the point, the grid or village, and a named hot spot."""

    lat: float
    lon: float
    leaf: DemoArea
    spot: str | None = None


class IncidentWriter:
    """Writes the demo incidents from one random stream, relative to `now`."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        areas: tuple[DemoArea, ...],
        contacts: tuple[DemoContact, ...],
        units: tuple[DemoUnit, ...],
        people: PersonFactory,
    ) -> None:
        self.rng = rng
        self.today = now.astimezone(SHANGHAI).date()
        self.by_code = {a.code: a for a in areas}
        self.leaves = leaf_areas(areas)
        self.contacts = contacts
        self.people = people
        self.places = PlaceNamer(rng, units, frozenset(h.unit_key for h in HOT_SPOTS))
        self.templates: dict[tuple[str, str], list[Template]] = {}
        for t in TEMPLATES:
            for setting in ("town", "village") if t.where == "any" else (t.where,):
                self.templates.setdefault((t.category, setting), []).append(t)

    # -- when ---------------------------------------------------------------------------------

    def _day(self, weekdays: str, back: range = range(1, p.DAYS_BACK + 1)) -> date:
        """Pick a local day `back` days before today, weighted by weekday."""
        weights = p.WEEKDAYS[weekdays]
        days = [self.today - timedelta(days=d) for d in back]
        return self.rng.choices(days, [weights[d.weekday()] for d in days])[0]

    def _at(self, day: date, hour: int, minute_from: int = 0, minute_to: int = 60) -> datetime:
        """Return a local time on `day` at `hour`, minutes rounded to 5 as people report them."""
        minute = self.rng.randrange(minute_from, minute_to, 5)
        return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)

    def _moment(self, hours: str, weekdays: str) -> datetime:
        """Return an occurrence time drawn from an hour and a weekday profile."""
        hour = self.rng.choices(range(24), p.HOURS[hours])[0]
        return self._at(self._day(weekdays), hour)

    def _window(self, template: Template, day: date | None = None) -> tuple[datetime, datetime]:
        """Return the window a burglary or overnight theft happened in (发案时间段)."""
        if template.window == "workday":
            day = day or self._day("workday")
            return self._at(day, self.rng.choice((7, 8)), 20, 60), self._at(
                day, self.rng.choice((17, 18, 19)), 0, 60
            )
        if template.window == "days":
            day = day or self._day("flat", range(7, p.DAYS_BACK + 1))
            end = day + timedelta(days=self.rng.randint(2, 5))
            return self._at(day, self.rng.randint(7, 10)), self._at(end, self.rng.randint(15, 20))
        day = day or self._day(p.TIMING[template.category][1], range(2, p.DAYS_BACK + 1))
        return self._at(day, self.rng.choice((21, 22, 23))), self._at(
            day + timedelta(days=1), self.rng.choice((6, 7)), 0, 60
        )

    # -- where --------------------------------------------------------------------------------

    def _scene_near(self, lat: float, lon: float, spread_m: float, spot: str | None) -> _Scene:
        """Return a point scattered around (lat, lon) with the area it lies in."""
        while True:
            north, east = self.rng.gauss(0, spread_m), self.rng.gauss(0, spread_m)
            if math.hypot(north, east) <= 2.5 * spread_m:
                break
        lat, lon = offset(lat, lon, north, east)
        return _Scene(lat, lon, leaf_area_at(self.leaves, lat, lon), spot)

    def _scene_in(self, leaf: DemoArea) -> _Scene:
        """Return a point spread evenly over a grid or village, with the area it lies in."""
        radius = VILLAGE_SPREAD_M if leaf.level == "village" else TOWN_SPREAD_M
        r, angle = radius * math.sqrt(self.rng.random()), self.rng.uniform(0, 2 * math.pi)
        lat, lon = offset(leaf.lat, leaf.lon, r * math.cos(angle), r * math.sin(angle))
        return _Scene(lat, lon, leaf_area_at(self.leaves, lat, lon))

    # -- who and what -------------------------------------------------------------------------

    def _suspects(self, profile: str | None) -> DemoSuspects | None:
        """Return what witnesses saw of the perpetrators, when anything was seen."""
        if profile is None:
            return None
        (low, high), genders, ages, non_local, traits, known = p.SUSPECTS[profile]
        if self.rng.random() >= known:
            return None
        return DemoSuspects(
            count=self.rng.randint(low, high),
            gender=self.rng.choice(genders),
            age_band=self.rng.choice(ages),
            non_local=self.rng.random() < non_local,
            traits=tuple(self.rng.sample(traits, k=min(len(traits), self.rng.randint(1, 2)))),
        )

    def _loss(self, template: Template) -> Decimal | None:
        """Return the loss in yuan; fraud losses spread over orders of magnitude."""
        if template.loss is None:
            return None
        low, high = template.loss
        if template.category == "fraud":
            amount = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        else:
            amount = self.rng.uniform(low, high)
        return Decimal(round(amount, -2 if amount >= 5000 else -1))

    def _severity(self, template: Template, loss: Decimal | None) -> Severity:
        """Start from the template's or category's severity; large losses raise it."""
        severity = template.severity or CATEGORIES[template.category][1]
        floor: Severity = "low"
        if loss is not None and loss >= 50000:
            floor = "critical"
        elif loss is not None and loss >= 20000:
            floor = "high"
        return max(severity, floor, key=SEVERITIES.index)

    def _reporter(self, source: Source, leaf: DemoArea) -> tuple[str | None, str | None, bool]:
        """Return (name, phone, anonymous): patrols and staff report under their own names."""
        if self.rng.random() < p.ANONYMOUS_SHARE.get(source, 0.0):
            return None, None, True
        if source in ("resident", "county_system"):
            person = self.people.person()
            return person.name, person.phone, False
        role = REPORTER_ROLE.get(source, "community_staff")
        code: str | None = leaf.code
        while code is not None:
            for contact in self.contacts:
                if contact.area_code == code and contact.role == role:
                    return contact.name, contact.phone, False
            code = self.by_code[code].parent_code
        raise LookupError(f"no {role} above {leaf.code}")

    def _incident(self, template: Template, scene: _Scene, when: When) -> DemoIncident:
        """Assemble one incident; its reference is given once all are sorted by time."""
        place, address = self.places.describe(template.place_kind, scene.leaf, scene.spot)
        loss = self._loss(template)
        description = template.text.format(place=place)
        if loss is not None:
            description += f"{'涉案金额' if template.category == 'fraud' else '损失约'}{loss}元。"
        weights = p.SOURCE_WEIGHTS.get(template.category, p.SOURCE_WEIGHTS["default"])
        source = self.rng.choices(list(weights), list(weights.values()))[0]
        name, phone, anonymous = self._reporter(source, scene.leaf)
        # The county platform forwards 110 reports that know the community, not the grid.
        area_code = scene.leaf.code
        if source == "county_system" and scene.leaf.parent_code is not None:
            area_code = scene.leaf.code[:12]
        at, start, end = (None, *when) if isinstance(when, tuple) else (when, None, None)
        return DemoIncident(
            external_ref="",
            category=template.category,
            severity=self._severity(template, loss),
            title=template.title,
            description=description,
            occurred_at=at,
            occurred_from=start,
            occurred_to=end,
            lat=scene.lat,
            lon=scene.lon,
            coord_system="wgs84",
            address=address,
            area_code=area_code,
            place_kind=template.place_kind,
            reporter_name=name,
            reporter_phone=phone,
            anonymous=anonymous,
            source=source,
            suspects=self._suspects(template.suspects),
            modus_operandi=template.modus_operandi,
            loss_amount=loss,
        )

    # -- the three kinds of incidents --------------------------------------------------------

    def _when(self, template: Template, hours: str, weekdays: str) -> When:
        """Return a window for templates that have one, else a moment from the profiles."""
        return self._window(template) if template.window else self._moment(hours, weekdays)

    def hot_spot(self, spot: DemoHotSpot) -> list[DemoIncident]:
        """Return the incidents clustered at one hot spot, with its own hours and weekdays."""
        hours, weekdays, spread, plan = p.HOT_SPOT_PLANS[spot.key]
        incidents = []
        for category, place_kind, count in plan:
            choices = [t for t in self.templates[category, "town"] if t.place_kind == place_kind]
            for _ in range(count):
                template = self.rng.choice(choices)
                scene = self._scene_near(spot.lat, spot.lon, spread, spot.name)
                incidents.append(
                    self._incident(template, scene, self._when(template, hours, weekdays))
                )
        return incidents

    def series(self, spot: DemoHotSpot) -> list[DemoIncident]:
        """Return the daytime burglary series (系列入室盗窃): workdays, one method, one compound."""
        low, high = p.SERIES_DAYS_BACK
        workdays = [self.today - timedelta(days=d) for d in range(low, high + 1)]
        days = sorted(self.rng.sample([d for d in workdays if d.weekday() < 5], p.SERIES_SIZE))
        incidents = []
        for day in days:
            template = replace(SERIES, modus_operandi=self.rng.choice(SERIES_METHODS))
            scene = self._scene_near(spot.lat, spot.lon, 40.0, spot.name)
            incidents.append(self._incident(template, scene, self._window(template, day)))
        return incidents

    def background(self, count: int) -> list[DemoIncident]:
        """Return incidents spread over the town and villages by population."""
        weights = [
            a.population * (p.VILLAGE_RATE if a.level == "village" else 1.0) for a in self.leaves
        ]
        incidents = []
        for _ in range(count):
            scene = self._scene_in(self.rng.choices(self.leaves, weights)[0])
            setting = "village" if scene.leaf.level == "village" else "town"
            mix = p.VILLAGE_MIX if setting == "village" else p.TOWN_MIX
            category = self.rng.choices(list(mix), list(mix.values()))[0]
            template = self.rng.choice(self.templates[category, setting])
            hours, weekdays = p.TIMING[category]
            incidents.append(self._incident(template, scene, self._when(template, hours, weekdays)))
        return incidents


def build_incidents(writer: IncidentWriter) -> tuple[DemoIncident, ...]:
    """Return all demo incidents in time order, numbered DEMO-0001, DEMO-0002, …"""
    incidents: list[DemoIncident] = []
    for spot in HOT_SPOTS:
        incidents += writer.hot_spot(spot)
    incidents += writer.series(next(h for h in HOT_SPOTS if h.key == "jinxiu-garden"))
    incidents += writer.background(p.INCIDENTS_TOTAL - len(incidents))
    incidents.sort(key=started)
    return tuple(replace(i, external_ref=f"DEMO-{n:04d}") for n, i in enumerate(incidents, 1))


def started(incident: DemoIncident) -> datetime:
    """Return when an incident happened, or when its window opened."""
    moment = incident.occurred_at or incident.occurred_from
    if moment is None:
        raise ValueError(f"{incident.external_ref} has no occurrence time")
    return moment
