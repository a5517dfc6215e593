"""What the dead-letter routes take and answer."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pingan_shared.contracts.messages import Channel

DEFAULT_BULK_LIMIT = 100
MAX_BULK_LIMIT = 1000


class BulkRedrive(BaseModel):
    """Which dead letters to re-drive: the filters of `GET /v1/dead-letters`, and how many."""

    model_config = ConfigDict(extra="forbid")

    channels: list[Channel] | None = Field(default=None, description="Only these channels")
    source: str | None = Field(default=None, max_length=100, description="Only this producer")
    since: AwareDatetime | None = Field(
        default=None, alias="from", description="Given up at or after this"
    )
    until: AwareDatetime | None = Field(default=None, alias="to", description="Given up before")
    limit: int = Field(
        default=DEFAULT_BULK_LIMIT,
        ge=1,
        le=MAX_BULK_LIMIT,
        description="At most this many, newest first",
    )


class BulkRedriveOutcome(BaseModel):
    """What a bulk re-drive queued again."""

    redriven: int = Field(description="Deliveries queued again")
    messages: int = Field(description="Messages whose delivery job was queued")
