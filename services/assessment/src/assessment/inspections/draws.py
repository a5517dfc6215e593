"""Spot-check draws (抽查), drawn not chosen: a weighted sample without replacement that anyone
can recompute from the seed and the candidates recorded before the draw.

The algorithm is Efraimidis and Spirakis' weighted random sampling (A-Res, Information Processing
Letters 97(5), 2006), with the randomness derived from the seed instead of a generator:

1. For each candidate, H = HMAC-SHA256(key = the seed as UTF-8, message = the unit id as UTF-8),
   read as a big-endian 256-bit integer, and u = (2·H + 1) / 2^257, uniform in (0, 1).
2. Its key is ln(u) / weight: the logarithm of u^(1/weight), so the order is the same.
3. The `size` largest keys are drawn, largest first; equal keys go to the smaller unit id.

Logarithms use Python's `decimal` module at 40 significant digits, whose `ln` is correctly
rounded, so any implementation of the General Decimal Arithmetic specification computes the same
keys digit for digit: no platform's floating-point library decides who is inspected.

Recompute a draw from its published record (`GET /v1/draws/{id}` saved as a file)::

    python -m assessment.inspections.draws draw.json
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from assessment.audit.service import canonical_json

PRECISION = Context(prec=40)
_SCALE = Decimal(2**257)  # exact: an int converts without rounding


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit that may be drawn, and its weight (a unit of weight 2 is about twice as likely)."""

    unit_id: str
    weight: int


def new_seed() -> str:
    """A random 256-bit seed, hex: recorded with the candidates before anything is drawn."""
    return secrets.token_hex(32)


def uniform(seed: str, unit_id: str) -> Decimal:
    """The candidate's number in (0, 1), from HMAC-SHA256 of its unit id keyed by the seed."""
    digest = hmac.new(seed.encode("utf-8"), unit_id.encode("utf-8"), hashlib.sha256).digest()
    numerator = 2 * int.from_bytes(digest, "big") + 1
    return PRECISION.divide(Decimal(numerator), _SCALE)


def draw_key(seed: str, candidate: Candidate) -> Decimal:
    """The candidate's key, ln(u) / weight; larger keys are drawn first."""
    if candidate.weight < 1:
        raise ValueError(f"weight of {candidate.unit_id} must be at least 1")
    return PRECISION.divide(PRECISION.ln(uniform(seed, candidate.unit_id)), candidate.weight)


def draw(seed: str, candidates: Sequence[Candidate], size: int) -> list[str]:
    """The unit ids drawn: the `size` largest keys, largest first (all, if fewer)."""
    ids = [c.unit_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("a unit is a candidate twice")
    keyed = sorted(candidates, key=lambda c: (-draw_key(seed, c), c.unit_id))
    return [c.unit_id for c in keyed[: max(size, 0)]]


def verify(seed: str, candidates: Sequence[Candidate], size: int, selected: Sequence[str]) -> bool:
    """Whether `selected` is exactly the draw the seed and candidates give."""
    return draw(seed, candidates, size) == list(selected)


def candidates_digest(candidates: Iterable[Candidate]) -> str:
    """SHA-256 (hex) of the candidates' canonical JSON, to compare a recorded list at a glance."""
    rows = [{"unit_id": c.unit_id, "weight": c.weight} for c in candidates]
    return hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()


def seed_digest(seed: str) -> str:
    """SHA-256 (hex) of the seed."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def candidates_from(rows: Iterable[dict[str, Any]]) -> list[Candidate]:
    """Candidates from recorded rows (`{"unit_id": …, "weight": …}`, other keys ignored)."""
    return [Candidate(unit_id=str(row["unit_id"]), weight=int(row["weight"])) for row in rows]


def main(argv: Sequence[str] | None = None) -> int:
    """Recompute a draw from its record; prints the selection, exits 1 if it differs from the
    record's `selected`."""
    parser = argparse.ArgumentParser(
        prog="python -m assessment.inspections.draws",
        description="Recompute a spot-check draw (抽查) from its seed and candidates.",
    )
    parser.add_argument("record", help="the draw as GET /v1/draws/{id} returns it, or - for stdin")
    args = parser.parse_args(argv)
    text = sys.stdin.read() if args.record == "-" else _read(args.record)
    record = json.loads(text)
    selection = draw(record["seed"], candidates_from(record["candidates"]), int(record["size"]))
    for unit_id in selection:
        print(unit_id)
    recorded = record.get("selected")
    if recorded is not None and list(recorded) != selection:
        print("MISMATCH: the recorded selection differs from the recomputed one", file=sys.stderr)
        return 1
    return 0


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


if __name__ == "__main__":
    raise SystemExit(main())
