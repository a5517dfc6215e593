"""Running a unit import in one transaction: plan every row, then write them all (or, in a dry
run or when any row is bad, nothing), and record the import as one audit entry."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.units.import_parents import resolve_parents
from assessment.units.imports import (
    UNITS_IMPORT_LOCK,
    ImportPlan,
    changes_of,
    check_rows,
    existing_units,
    match_rows,
)
from assessment.units.models import Unit
from pingan_shared.auth import in_areas
from pingan_shared.spreadsheets import Progress, RowError

WRITE_BATCH = 1000


class ImportConflictError(Exception):
    """The database refused the import (a unit registered meanwhile, say); nothing is written."""


@dataclass(frozen=True, slots=True)
class ImportSource:
    """Where the rows came from, as the audit entry records it."""

    name: str
    sha256: str

    @classmethod
    def of(cls, name: str, content: bytes) -> ImportSource:
        """The source named `name` holding `content`."""
        return cls(name, hashlib.sha256(content).hexdigest())


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did (or, in a dry run, would do)."""

    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


async def plan_import(
    session: AsyncSession,
    rows: Sequence[tuple[int, dict[str, Any]]],
    columns: dict[str, str],
    *,
    areas: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check every row and decide what it does; takes the import lock for the transaction."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UNITS_IMPORT_LOCK})
    checked, errors = check_rows(rows, columns, areas, progress)
    existing = await existing_units(session, checked)
    planned, match_errors = match_rows(checked, existing, columns)
    errors += match_errors
    if areas is not None:
        # A key may name a unit elsewhere; moving it here would reach outside the caller's areas.
        outside = [p for p in planned if p.existing and not in_areas(p.existing.area_code, areas)]
        errors += [
            RowError(p.row.number, columns["key"], "no unit of yours has this key") for p in outside
        ]
        planned = [p for p in planned if p not in outside]
    errors += resolve_parents(planned, existing, columns)
    for p in planned:
        p.changes = changes_of(p, columns)
    errors.sort(key=lambda e: e.row)
    return ImportPlan(len(rows), planned, errors)


async def apply_import(
    session: AsyncSession,
    plan: ImportPlan,
    *,
    actor: str,
    source: ImportSource,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Write a plan without errors and its audit entry (flushed in the caller's transaction)."""
    if plan.errors:
        raise ValueError("a plan with errors is not written")
    created, updated = plan.created, plan.updated
    now = datetime.now(UTC)
    try:
        for start in range(0, len(created), WRITE_BATCH):
            batch = created[start : start + WRITE_BATCH]
            # Parents may be rows of this very file: every unit exists before any points up.
            session.add_all(
                Unit(id=p.unit_id, **{k: v for k, v in p.changes.items() if k != "parent_unit_id"})
                for p in batch
            )
            await session.flush()
            if progress is not None:
                progress.advance(len(batch))
        for p in created:
            if p.changes.get("parent_unit_id") is not None:
                unit = await session.get(Unit, p.unit_id)
                assert unit is not None  # added above, so in the session's identity map
                unit.parent_unit_id = p.changes["parent_unit_id"]
        for p in updated:
            assert p.existing is not None
            for name, value in p.changes.items():
                setattr(p.existing, name, value)
            p.existing.version += 1
            p.existing.updated_at = now
            if progress is not None:
                progress.advance()
        await session.flush()
    except IntegrityError as exc:
        raise ImportConflictError(str(exc.orig)) from None
    outcome = ImportOutcome(plan.rows, len(created), len(updated), plan.unchanged, False)
    await record(
        session,
        actor=actor,
        action="units.import",
        entity="unit_import",
        entity_id=source.sha256,
        data={
            "source": source.name,
            "sha256": source.sha256,
            "rows": outcome.rows,
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
        },
    )
    return outcome


def dry_run_outcome(plan: ImportPlan) -> ImportOutcome:
    """What the plan would do, written nowhere."""
    return ImportOutcome(plan.rows, len(plan.created), len(plan.updated), plan.unchanged, True)
