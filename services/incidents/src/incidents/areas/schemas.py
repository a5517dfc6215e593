"""API shapes of areas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from incidents.areas.models import AreaLevel


class AreaOut(BaseModel):
    """An area of the tree (区划)."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None


class Boundary(BaseModel):
    """A GeoJSON Polygon or MultiPolygon in WGS-84 longitude/latitude (区划边界)."""

    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(
        description="Polygon: rings of [lon, lat] positions, each closed; MultiPolygon: polygons"
    )


class AreaDetail(AreaOut):
    """An area with its boundary, if one was drawn."""

    boundary: Boundary | None = None


class AreaFeature(BaseModel):
    """One area as a GeoJSON Feature."""

    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Boundary
    properties: dict[str, Any]


class AreaFeatures(BaseModel):
    """Areas with boundaries as a GeoJSON FeatureCollection, for maps (地图)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[AreaFeature]
