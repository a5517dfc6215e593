"""Open311 tables: the clients' API keys and what a client sent beside the incident it created."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from incidents.tables import Table


def _created_at() -> Column[datetime]:
    return Column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class Open311ApiKey(Table, table=True):
    """A civic-reporting client's key (接入密钥); only its SHA-256 is stored.

    The client reports as a `service` principal limited to `areas` (area-code prefixes).
    """

    __tablename__ = "open311_api_keys"
    __table_args__ = (CheckConstraint("key_hash ~ '^[0-9a-f]{64}$'", name="key_hash_sha256"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    client_name: str = Field(max_length=100, unique=True)
    areas: list[str] = Field(sa_column=Column(ARRAY(String(20)), nullable=False))
    active: bool = True
    created_at: datetime | None = Field(default=None, sa_column=_created_at())


class Open311Request(Table, table=True):
    """What an Open311 client sent that an incident has no column for (media, its account id)."""

    __tablename__ = "open311_requests"

    incident_id: uuid.UUID = Field(foreign_key="incidents.id", primary_key=True)
    api_key_id: uuid.UUID = Field(foreign_key="open311_api_keys.id", index=True)
    account_id: str | None = Field(default=None, max_length=200)
    media_url: str | None = Field(default=None, max_length=2000)
    created_at: datetime | None = Field(default=None, sa_column=_created_at())
