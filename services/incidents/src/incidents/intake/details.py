"""What a report may say beyond the basics: suspects' traits (作案人员特点), modus operandi,
loss, and attachments. The analysis of suspects' traits reads these, never a list of people."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class Gender(StrEnum):
    """Suspects' gender as the reporter saw it."""

    male = "male"
    female = "female"
    mixed = "mixed"
    unknown = "unknown"


class AgeBand(StrEnum):
    """Suspects' apparent age."""

    under_18 = "under_18"
    age_18_25 = "18_25"
    age_26_35 = "26_35"
    age_36_50 = "36_50"
    over_50 = "over_50"
    unknown = "unknown"


class Suspects(BaseModel):
    """What is known of the perpetrators (作案人员特点)."""

    model_config = ConfigDict(extra="forbid")

    count: int | None = Field(default=None, ge=1, le=100)
    gender: Gender = Gender.unknown
    age_band: AgeBand = AgeBand.unknown
    non_local: bool | None = Field(
        default=None, description="Non-local, floating population (外来流动人口)"
    )
    traits: str | None = Field(default=None, max_length=500, examples=["戴黑色头盔,骑电动车"])


class AttachmentKind(StrEnum):
    """What an attachment is."""

    image = "image"
    video = "video"
    audio = "audio"
    document = "document"


class Attachment(BaseModel):
    """Evidence kept elsewhere: where it is, what it is, and its SHA-256 to prove it unchanged."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    kind: AttachmentKind
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


ModusOperandiTag = Annotated[str, Field(min_length=1, max_length=40)]
LossAmount = Annotated[
    Decimal, Field(ge=0, le=Decimal("999999999.99"), decimal_places=2, description="Yuan (元)")
]
