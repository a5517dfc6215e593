"""API shape of a possible duplicate."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class PossibleDuplicate(BaseModel):
    """Another report that may be the same event (疑似重复), and why: metres and minutes apart,
    how alike the descriptions read, and the overall score (0–1)."""

    incident_id: uuid.UUID
    score: float
    distance_m: float
    minutes_apart: float
    text_similarity: float
