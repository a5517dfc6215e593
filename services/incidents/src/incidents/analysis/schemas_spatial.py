"""API shapes of the spatial analyses: hot spots (热点区域), hot places (易发案部位, repeat
victimisation) and near repeats (近重复)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from incidents.analysis.schemas import AnalysisHeader, PeriodOut
from incidents.places.models import PlaceKind


class HotSpotCellOut(BaseModel):
    """One H3 cell with incidents: its count, Gi* z-score, permutation p-value, FDR q-value."""

    cell: str = Field(description="H3 cell index")
    lat: float = Field(description="The cell's centre, WGS-84")
    lon: float
    count: int
    gi_z: float
    p: float = Field(description="Two-sided conditional permutation pseudo p-value")
    q: float = Field(description="Benjamini-Hochberg false-discovery-rate q-value")
    kind: str = Field(description="hot, cold or none (q > alpha)")


class PredictionAccuracy(BaseModel):
    """The Prediction Accuracy Index of the hot cells against the following period: the share of
    its incidents inside them over the share of the study area they cover."""

    period: PeriodOut
    incidents: int = Field(description="Incidents of the following period in the study cells")
    hits: int = Field(description="Of them, inside the hot cells")
    hot_cells: int
    study_cells: int
    pai: float | None = Field(description="Null when there is nothing to measure")


class HotSpots(AnalysisHeader):
    """Incidents per H3 cell and the Getis-Ord Gi* hot and cold spots among them."""

    resolution: int
    rings: int = Field(description="k of the k-ring neighbourhood (the cell itself included)")
    permutations: int
    alpha: float
    total: int
    snapping_m: float = Field(
        description="Positions are snapped to a grid this fine before the cell is looked up"
    )
    cells: list[HotSpotCellOut]
    prediction: PredictionAccuracy | None = None


class HotPlace(BaseModel):
    """A registered place with repeat incidents (重复被侵害)."""

    place_id: uuid.UUID
    name: str
    kind: PlaceKind
    address: str | None
    area_code: str
    count: int
    previous: int
    first_at: datetime
    last_at: datetime
    categories: list[str]


class HotAddress(BaseModel):
    """An address, of incidents not linked to a registered place, with repeat incidents."""

    address: str
    area_code: str = Field(description="The area most of its incidents were filed in")
    count: int
    previous: int
    first_at: datetime
    last_at: datetime
    categories: list[str]


class RepeatVictimisation(BaseModel):
    """How concentrated incidents are: those at a place or address with two or more in the
    period (repeats), of all incidents with a place or an address."""

    located: int = Field(description="Incidents with a registered place or an address")
    repeat_locations: int
    repeat_incidents: int
    repeat_share: float


class HotPlaces(AnalysisHeader):
    """Places and addresses with repeat incidents, most incidents first (易发案部位)."""

    min_count: int
    summary: RepeatVictimisation
    places: list[HotPlace]
    addresses: list[HotAddress]


class KnoxCell(BaseModel):
    """Pairs of incidents within one distance band and one time band of each other."""

    distance_from_m: float
    distance_to_m: float
    days_from: float
    days_to: float
    observed: int
    expected: float = Field(description="Median over the permutations of the times")
    ratio: float | None = Field(description="observed / expected; null when expected is 0")
    p: float


class NearRepeat(AnalysisHeader):
    """The Knox test (近重复): do incidents close in space follow each other closely in time?"""

    incidents: int
    permutations: int
    distance_bands_m: list[float]
    time_bands_days: list[float]
    cells: list[KnoxCell]
