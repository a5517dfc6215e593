"""API shapes of the audit log (审计日志)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    """One audit entry (审计记录): who did what to which record, chained by hashes."""

    id: int
    at: datetime
    actor: str
    action: str = Field(examples=["finding.confirm"])
    entity: str = Field(examples=["finding"])
    entity_id: str
    data: dict[str, Any]
    prev_hash: str = Field(description="The previous entry's hash (64 zeros for the first)")
    hash: str = Field(description="SHA-256 of prev_hash and this entry's canonical JSON")


class BrokenLinkOut(BaseModel):
    """The first entry whose link does not hold (断链)."""

    id: int
    field: Literal["prev_hash", "hash"] = Field(
        description="prev_hash: an earlier entry was changed, removed or inserted; "
        "hash: this entry's own fields were changed"
    )
    expected: str
    found: str


class ChainVerification(BaseModel):
    """The result of walking the whole chain (审计链校验)."""

    ok: bool
    checked: int = Field(description="Entries whose links held, counted from the first")
    last_good_id: int | None = None
    head_hash: str = Field(description="Hash of the last entry that held (genesis if none)")
    first_broken: BrokenLinkOut | None = None
