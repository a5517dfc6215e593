"""Candidate pairs of reports that may be one event."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Uuid, func
from sqlmodel import Field

from incidents.tables import Table


class DuplicateCandidate(Table, table=True):
    """A later report that may repeat an earlier one, and how alike they are."""

    __tablename__ = "duplicate_candidates"

    incident_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("incidents.id"), primary_key=True)
    )
    candidate_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("incidents.id"), primary_key=True, index=True)
    )
    score: float
    distance_m: float
    minutes_apart: float
    text_similarity: float
    found_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
