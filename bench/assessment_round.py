"""Computing an assessment round: 10,000 units × 60 indicators with 200,000 findings.

A throwaway database migrated to head gets a seeded round (bench/assessment_round_data.py); the
round is then computed several times as `POST /v1/rounds/{id}/compute` computes it (read the
evidence, score, rank, replace the stored scores, audit), and once more step by step to show
where the time goes. The scheme has no incident or patrol indicators, so incidents is not asked.

    .venv/bin/python bench/assessment_round.py [--units 10000] [--findings 200000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx

import assessment
from assessment.clients.incidents import IncidentsClient
from assessment.rounds.compute import compute_round, locked_round, paused_gc, prepare
from assessment.rounds.evidence import gather
from assessment.rounds.scores import RankedUnit, ranking_level, replace_scores
from assessment.rounds.scoring import rank, score_units
from pingan_shared.db import Database
from pingan_shared.testing.databases import migrated_database

sys.path.insert(0, str(Path(__file__).parent))
import itertools

from assessment_round_data import OFFICE, load

MIGRATIONS = Path(assessment.__file__).parent / "migrations"


async def steps(database: Database, incidents: IncidentsClient, round_id: uuid.UUID) -> None:
    """One computation, timed step by step (rolled back)."""
    with paused_gc():
        await _steps(database, incidents, round_id)


async def _steps(database: Database, incidents: IncidentsClient, round_id: uuid.UUID) -> None:
    marks = [("start", time.perf_counter())]
    prepared = await prepare(database, incidents, OFFICE, round_id)
    marks.append(("read scheme and units", time.perf_counter()))
    async with database.session() as session:
        assessment_round = await locked_round(session, round_id)
        evidence = await gather(
            session, assessment_round, prepared.rules, prepared.units, prepared.figures
        )
        marks.append(
            ("read findings, rectifications, scores, bonuses, vetoes, surveys", time.perf_counter())
        )
        results = score_units(prepared.rules.rules, evidence)
        marks.append(("score (pure functions)", time.perf_counter()))
        level = ranking_level(assessment_round.area_code)
        areas = {str(u.id): u.area_code[:level] for u in prepared.units}
        in_area = rank(
            [(r.unit_id, (r.kind, areas[r.unit_id]), r.total, r.vetoed) for r in results]
        )
        in_round = rank([(r.unit_id, r.kind, r.total, r.vetoed) for r in results])
        ranked = [
            RankedUnit(u, r, in_area[r.unit_id], in_round[r.unit_id], areas[r.unit_id])
            for u, r in zip(prepared.units, results, strict=True)
        ]
        marks.append(("rank", time.perf_counter()))
        await replace_scores(session, assessment_round.id, ranked)
        marks.append(("write scores (COPY, with provenance)", time.perf_counter()))
        await session.rollback()
    for (_, before), (label, after) in itertools.pairwise(marks):
        print(f"  {label:<66} {after - before:6.3f} s")


async def main(units: int, findings: int, runs: int) -> None:
    print(f"load average before: {' '.join(str(x) for x in os.getloadavg())}")
    async with migrated_database("assessmentbench", MIGRATIONS) as url:
        started = time.perf_counter()
        loaded = await load(url, units, findings)
        print(
            f"loaded {units:,} units, {findings:,} findings in {time.perf_counter() - started:.1f} s"
        )
        database = Database(url, pool_size=2)
        # Never asked: the bench scheme measures nothing through incidents.
        incidents = IncidentsClient(httpx.AsyncClient(base_url="http://127.0.0.1:9"))
        try:
            times, cpu = [], []
            for _ in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                _, _, counts = await compute_round(database, incidents, OFFICE, loaded.round_id)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            print(f"compute a round ({counts['units']:,} units, ratings {counts['ratings']}):")
            print(
                f"  median {statistics.median(times):.3f} s, best {min(times):.3f} s"
                f" over {runs} runs; this process's CPU {statistics.median(cpu):.3f} s"
                " (the rest is PostgreSQL's work and waiting)"
            )
            print("one computation step by step:")
            await steps(database, incidents, loaded.round_id)
        finally:
            await incidents.aclose()
            await database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.units, args.findings, args.runs))
