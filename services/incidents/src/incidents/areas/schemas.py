"""API shapes of areas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

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
