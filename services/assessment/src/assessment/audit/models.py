"""The audit log: one row per change, each carrying the hash of the one before (a chain)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Identity
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from assessment.tables import Table


class AuditEntry(Table, table=True):
    """A change to an inspection, finding, rectification, score or bulletin; the database
    refuses UPDATE and DELETE on this table."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    at: datetime = Field(sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=200)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=100)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
