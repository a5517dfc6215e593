"""How alike two reports are: a plain function of distance, time apart and wording.

Two reports of one event sit close in place and time and say similar things. Each part scores
from 1 (identical) down to 0 (at the category's limit); the score is their weighted mean, and only
pairs inside both limits are candidates at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher


@dataclass(frozen=True, slots=True)
class Limits:
    """How far apart, in metres and time, two reports of one event of a category may be."""

    radius_m: float
    window: timedelta


DEFAULT_LIMITS = Limits(300.0, timedelta(hours=24))
# A burglary is found hours or days later; a fight or a traffic accident is reported at once.
LIMITS = {
    "burglary": Limits(150.0, timedelta(days=3)),
    "theft": Limits(200.0, timedelta(hours=24)),
    "fight": Limits(300.0, timedelta(hours=3)),
    "traffic": Limits(200.0, timedelta(hours=2)),
    "fire_hazard": Limits(150.0, timedelta(days=7)),
    "public_order": Limits(400.0, timedelta(hours=6)),
}
WEIGHTS = (0.4, 0.3, 0.3)  # place, time, text
THRESHOLD = 0.5


def limits_for(category: str) -> Limits:
    """The limits of a category."""
    return LIMITS.get(category, DEFAULT_LIMITS)


def text_similarity(a: str, b: str) -> float:
    """How alike two descriptions read, 0 to 1 (character-level, which suits Chinese)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class Likeness:
    """Why two reports may be one: each part and the overall score."""

    score: float
    distance_m: float
    minutes_apart: float
    text_similarity: float


def likeness(
    limits: Limits, distance: float, apart: timedelta, text_a: str, text_b: str
) -> Likeness | None:
    """The likeness of a pair, or None when it lies outside the category's limits."""
    apart = abs(apart)
    if distance > limits.radius_m or apart > limits.window:
        return None
    place = 1 - distance / limits.radius_m
    time = 1 - apart / limits.window
    words = text_similarity(text_a, text_b)
    score = WEIGHTS[0] * place + WEIGHTS[1] * time + WEIGHTS[2] * words
    return Likeness(
        round(score, 3), round(distance, 1), round(apart.total_seconds() / 60, 1), round(words, 3)
    )
