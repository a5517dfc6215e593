"""Receipts that let a resident follow their own report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field

from incidents.tables import Table


class PublicReceipt(Table, table=True):
    """The hash of a receipt code handed to a resident, and the report it follows."""

    __tablename__ = "public_receipts"

    receipt_hash: str = Field(primary_key=True, max_length=64)
    incident_id: uuid.UUID = Field(foreign_key="incidents.id", index=True)
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
