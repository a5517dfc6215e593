"""API shapes of places."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from incidents.places.models import PlaceKind


class PlaceCreate(BaseModel):
    """A place to register (登记场所)."""

    model_config = ConfigDict(extra="forbid")

    kind: PlaceKind
    name: str = Field(min_length=1, max_length=200)
    area_code: str = Field(pattern=r"^\d{6,20}$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    address: str | None = Field(default=None, max_length=300)
    external_key: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _both_or_neither(self) -> PlaceCreate:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self


class PlaceOut(BaseModel):
    """A registered place."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: PlaceKind
    name: str
    area_code: str
    lat: float | None
    lon: float | None
    address: str | None
    external_key: str | None
