"""The deterministic demo town: 屏山镇 of 禄劝县, the county seat the seed speech is about.

Areas, contacts, assessed units and six months of incidents, generated from one seed and one
`now`, that the incidents and assessment services load for the demo and that tests use.
Pure data: no database, no clock except `now`, no randomness except `random.Random(seed)`.
"""

import random
from datetime import UTC, datetime

from pingan_shared.demo_town.areas import build_areas, leaf_area_at, leaf_areas
from pingan_shared.demo_town.catalogue import (
    AREA_LEVELS,
    CATEGORIES,
    CONTACT_ROLES,
    PLACE_KINDS,
    SEVERITIES,
    SHANGHAI,
    SOURCES,
    UNIT_KINDS,
)
from pingan_shared.demo_town.hot_spots import HOT_SPOTS
from pingan_shared.demo_town.incidents import IncidentWriter, build_incidents
from pingan_shared.demo_town.models import (
    DemoArea,
    DemoContact,
    DemoHotSpot,
    DemoIncident,
    DemoSuspects,
    DemoTown,
    DemoUnit,
)
from pingan_shared.demo_town.names import PersonFactory
from pingan_shared.demo_town.people import build_contacts
from pingan_shared.demo_town.units import build_units
from pingan_shared.geo import distance_m

DEFAULT_SEED = 20261128

__all__ = [
    "AREA_LEVELS",
    "CATEGORIES",
    "CONTACT_ROLES",
    "DEFAULT_SEED",
    "HOT_SPOTS",
    "PLACE_KINDS",
    "SEVERITIES",
    "SHANGHAI",
    "SOURCES",
    "UNIT_KINDS",
    "DemoArea",
    "DemoContact",
    "DemoHotSpot",
    "DemoIncident",
    "DemoSuspects",
    "DemoTown",
    "DemoUnit",
    "build_demo_town",
    "distance_m",
    "leaf_area_at",
    "leaf_areas",
]


def build_demo_town(seed: int = DEFAULT_SEED, now: datetime | None = None) -> DemoTown:
    """Build the demo town; equal (seed, now) give an equal town.

    `now` must be timezone-aware and defaults to today's UTC midnight, so a demo loaded twice
    on one day is the same town. Incidents fall in the six months before `now`.
    """
    if now is None:
        now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    elif now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    # One stream, drawn in a fixed order: people, then units, then incidents, so a change to
    # the incident templates leaves contacts and units as they were.
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    people = PersonFactory(rng)
    areas = build_areas()
    contacts = build_contacts(areas, people)
    units = build_units(areas, people, rng)
    incidents = build_incidents(IncidentWriter(rng, now, areas, contacts, units, people))
    return DemoTown(seed, now, areas, contacts, units, incidents, HOT_SPOTS)
