"""Spot-check draws (抽查): deterministic weighted sampling anyone can recompute from the seed
and candidates recorded before the draw, through the API and from the command line."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import uuid
from decimal import Context, Decimal
from pathlib import Path

import pytest

from assessment.inspections.draws import (
    Candidate,
    candidates_digest,
    draw,
    draw_key,
    main,
    uniform,
    verify,
)

IDS = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(1, 7)]
CANDIDATES = [Candidate(i, w) for i, w in zip(IDS, [1, 2, 1, 3, 1, 1], strict=True)]
SEED = "平安2026"


def test_a_known_draw_stays_the_same() -> None:
    # Pinned: a change to the algorithm would change who is inspected in recorded draws.
    assert draw(SEED, CANDIDATES, 3) == [IDS[4], IDS[3], IDS[2]]
    assert uniform(SEED, IDS[0]) == Decimal("0.09561194524248827192024787967948865288932")


def test_uniform_is_the_documented_hmac() -> None:
    digest = hmac.new(SEED.encode(), IDS[0].encode(), hashlib.sha256).digest()
    numerator = Decimal(2 * int.from_bytes(digest, "big") + 1)
    assert uniform(SEED, IDS[0]) == Context(prec=40).divide(numerator, Decimal(2**257))
    assert 0 < uniform(SEED, IDS[0]) < 1


def test_the_draw_depends_on_the_seed_only_through_the_keys() -> None:
    assert draw(SEED, CANDIDATES, 6) == draw(SEED, list(reversed(CANDIDATES)), 6)
    assert draw(SEED, CANDIDATES, 3) != draw("another seed", CANDIDATES, 3)
    assert draw(SEED, CANDIDATES, 10) == draw(SEED, CANDIDATES, 6)  # all, when fewer
    assert draw(SEED, CANDIDATES, 0) == []


def test_keys_order_by_weight() -> None:
    light, heavy = Candidate(IDS[0], 1), Candidate(IDS[0], 4)
    assert draw_key(SEED, heavy) > draw_key(SEED, light)  # ln(u) < 0: a heavier weight lifts it


def test_a_heavier_unit_is_drawn_more_often() -> None:
    # Weight 3 against two of weight 1: drawn first with probability 3/5.
    three = [Candidate(IDS[0], 3), Candidate(IDS[1], 1), Candidate(IDS[2], 1)]
    first = [draw(f"seed-{n}", three, 1)[0] for n in range(2000)]
    share = first.count(IDS[0]) / len(first)
    assert 0.56 < share < 0.64


def test_verify_catches_a_changed_record() -> None:
    selected = draw(SEED, CANDIDATES, 3)
    assert verify(SEED, CANDIDATES, 3, selected)
    assert not verify(SEED, CANDIDATES, 3, [selected[1], selected[0], selected[2]])
    heavier = [Candidate(c.unit_id, 50 if c.unit_id == IDS[0] else c.weight) for c in CANDIDATES]
    assert not verify(SEED, heavier, 3, selected)
    assert candidates_digest(heavier) != candidates_digest(CANDIDATES)


def test_bad_candidates_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        draw(SEED, [CANDIDATES[0], CANDIDATES[0]], 1)
    with pytest.raises(ValueError, match="at least 1"):
        draw(SEED, [Candidate(IDS[0], 0)], 1)


def _record(tmp_path: Path, selected: list[str]) -> Path:
    record = {
        "id": str(uuid.uuid4()),
        "seed": SEED,
        "size": 3,
        "candidates": [{"unit_id": c.unit_id, "weight": c.weight} for c in CANDIDATES],
        "selected": selected,
    }
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_command_line_recomputes_a_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _record(tmp_path, [IDS[4], IDS[3], IDS[2]])
    assert main([str(path)]) == 0
    assert capsys.readouterr().out.split() == [IDS[4], IDS[3], IDS[2]]
    forged = _record(tmp_path, [IDS[0], IDS[3], IDS[2]])
    assert main([str(forged)]) == 1
    assert "MISMATCH" in capsys.readouterr().err


def test_the_module_runs_as_a_program(tmp_path: Path) -> None:
    path = _record(tmp_path, [IDS[4], IDS[3], IDS[2]])
    done = subprocess.run(
        [sys.executable, "-m", "assessment.inspections.draws", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [IDS[4], IDS[3], IDS[2]]
