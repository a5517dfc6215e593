"""Series (系列案件): groups of incidents that look like the work of one hand.

The rule, stated so a reader can check a grouping by hand. Two incidents are *linked* when

1. they are of the same category;
2. they lie within `radius_m` of each other and occurred within `window_days` of each other;
3. their modus operandi read alike: the best `text_similarity` (character-level, which suits
   Chinese; 1 for the same tag) between a tag of one and a tag of the other is at least
   `mo_similarity`. Incidents without a recorded modus operandi are never linked;
4. their suspects do not contradict each other: where both record a gender, an age band or
   local/non-local (other than unknown or mixed), they agree.

A series is a connected component of the links (single linkage: a chain of links joins a series
even if its ends are far apart in time) with at least `min_size` incidents. Candidate pairs come
from a k-d tree over east, north, time scaled to metres and the category as a far-off axis, so
only pairs inside the box of rule 2 are ever looked at.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_array  # type: ignore[import-untyped]  # scipy ships no type information
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]
from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # scipy ships no type information

from incidents.analysis.knox import local_metres
from incidents.duplicates.scoring import text_similarity

DAY_SECONDS = 86_400.0
UNCOMMITTED = frozenset({"unknown", "mixed"})
_TRAIT_SPLIT = re.compile(r"[，,、;；/\s]+")


@dataclass(frozen=True, slots=True)
class SeriesRules:
    """How alike incidents must be to be linked, and how many make a series."""

    radius_m: float = 1000.0
    window_days: float = 30.0
    mo_similarity: float = 0.5
    min_size: int = 3


@dataclass(frozen=True, slots=True)
class SeriesIncident:
    """What the rule looks at of one incident."""

    id: uuid.UUID
    category: str
    occurred_at: datetime
    lat: float
    lon: float
    modus_operandi: tuple[str, ...]
    suspect_gender: str | None = None
    suspect_age_band: str | None = None
    suspect_non_local: bool | None = None
    suspect_traits: str | None = None

    @property
    def traits(self) -> frozenset[str]:
        """The suspects' traits as tags (the free text split at commas and the like)."""
        return frozenset(t for t in _TRAIT_SPLIT.split(self.suspect_traits or "") if t)


@dataclass(frozen=True, slots=True)
class Link:
    """Why two incidents (indices into the input) were linked."""

    a: int
    b: int
    distance_m: float
    days_apart: float
    mo_similarity: float
    shared_traits: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Series:
    """The incidents of one series (indices, in time order) and the links that joined them."""

    members: list[int]
    links: list[Link]


class TooManyPairsError(ValueError):
    """More candidate pairs than the analysis may look at: narrow the area, period or category."""


def contradict(a: SeriesIncident, b: SeriesIncident) -> bool:
    """Whether the two incidents' suspects disagree on something both record."""
    for x, y in (
        (a.suspect_gender, b.suspect_gender),
        (a.suspect_age_band, b.suspect_age_band),
    ):
        if x and y and x not in UNCOMMITTED and y not in UNCOMMITTED and x != y:
            return True
    return (
        a.suspect_non_local is not None
        and b.suspect_non_local is not None
        and a.suspect_non_local != b.suspect_non_local
    )


def mo_similarity(a: Sequence[str], b: Sequence[str], cache: dict[tuple[str, str], float]) -> float:
    """The best similarity between a tag of `a` and a tag of `b` (0 when either has none)."""
    best = 0.0
    for x in a:
        for y in b:
            key = (x, y) if x <= y else (y, x)
            if key not in cache:
                cache[key] = 1.0 if x == y else text_similarity(x, y)
            best = max(best, cache[key])
    return best


def candidate_pairs(
    incidents: Sequence[SeriesIncident], rules: SeriesRules, max_pairs: int
) -> NDArray[np.intp]:
    """Index pairs (i < j) of the same category within `radius_m` east and north and within
    `window_days` (a box; the exact distance is checked later); TooManyPairsError past
    `max_pairs`, counted before any pair is made."""
    if len(incidents) < 2:
        return np.empty((0, 2), dtype=np.intp)
    x, y = local_metres([i.lon for i in incidents], [i.lat for i in incidents])
    seconds = np.array([i.occurred_at.timestamp() for i in incidents])
    t = (seconds - seconds.min()) * (rules.radius_m / (rules.window_days * DAY_SECONDS))
    codes = {c: n for n, c in enumerate(sorted({i.category for i in incidents}))}
    # Categories far apart on a fourth axis: no box of half-width radius_m spans two of them.
    z = np.array([codes[i.category] for i in incidents]) * 4.0 * rules.radius_m
    tree = cKDTree(np.column_stack([x, y, t, z]))
    within = tree.count_neighbors(tree, rules.radius_m, p=np.inf)
    pairs = (int(within) - len(incidents)) // 2
    if pairs > max_pairs:
        raise TooManyPairsError(f"{pairs} candidate pairs, more than {max_pairs}")
    found: NDArray[np.intp] = tree.query_pairs(rules.radius_m, p=np.inf, output_type="ndarray")
    return found


def link(
    incidents: Sequence[SeriesIncident],
    xy: NDArray[np.float64],
    pair: tuple[int, int],
    rules: SeriesRules,
    cache: dict[tuple[str, str], float],
) -> Link | None:
    """The link between the pair of incidents (by index; `xy` their east and north metres), or
    None when the rule does not join them."""
    i, j = pair
    a, b = incidents[i], incidents[j]
    days = abs((a.occurred_at - b.occurred_at).total_seconds()) / DAY_SECONDS
    if a.category != b.category or days > rules.window_days or contradict(a, b):
        return None
    distance = float(np.hypot(*(xy[i] - xy[j])))
    if distance > rules.radius_m:
        return None
    alike = mo_similarity(a.modus_operandi, b.modus_operandi, cache)
    if alike < rules.mo_similarity:
        return None
    shared = tuple(sorted(a.traits & b.traits))
    return Link(min(i, j), max(i, j), round(distance, 1), round(days, 2), round(alike, 3), shared)


def find_series(
    incidents: Sequence[SeriesIncident], rules: SeriesRules, max_pairs: int = 200_000
) -> list[Series]:
    """The series among `incidents` by the module's rule, largest first (then earliest)."""
    pairs = candidate_pairs(incidents, rules, max_pairs)
    if not len(pairs):
        return []
    xy = np.column_stack(local_metres([i.lon for i in incidents], [i.lat for i in incidents]))
    cache: dict[tuple[str, str], float] = {}
    links = [
        joined for i, j in pairs if (joined := link(incidents, xy, (int(i), int(j)), rules, cache))
    ]
    n = len(incidents)
    if not links:
        return []
    graph = coo_array(
        (np.ones(len(links)), ([k.a for k in links], [k.b for k in links])), shape=(n, n)
    )
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    by_label: dict[int, list[Link]] = {}
    for k in links:
        by_label.setdefault(int(labels[k.a]), []).append(k)
    found = [
        Series(sorted(members, key=lambda m: incidents[m].occurred_at), by_label[label])
        for label, members in groups.items()
        if len(members) >= rules.min_size
    ]
    return sorted(found, key=lambda s: (-len(s.members), incidents[s.members[0]].occurred_at))


def common_tags(values: Sequence[Sequence[str] | frozenset[str]], least: int) -> list[str]:
    """Tags found in at least `least` of `values`, most frequent first."""
    counts = Counter(tag for tags in values for tag in set(tags))
    return [tag for tag, n in counts.most_common() if n >= least]
