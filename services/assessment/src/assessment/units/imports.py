"""Importing a unit list: check every row, then write all of them or none.

A row names an existing unit by its key (外部编号) or, without one, by (area code, name); it
updates that unit, or registers a new one, so importing the same file twice changes nothing the
second time. A column the sheet does not have leaves that field of existing units alone; an
empty cell under a column it has clears the field. The parent (上级单位) is given by its key or
its name (see `import_parents`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.units.import_rows import UnitRow, check_row
from assessment.units.models import Unit
from pingan_shared.auth import in_areas
from pingan_shared.spreadsheets import Progress, RowError

# Serialises imports, so two of them never register the same new unit twice.
UNITS_IMPORT_LOCK = 0x756E697473  # "units" in ASCII
# Fields a row sets when its sheet has their column; the parent is handled apart.
_FIELDS = (
    "key",
    "kind",
    "name",
    "area_code",
    "incidents_place_id",
    "contact_name",
    "contact_phone",
    "contact_wecom_user_id",
)


@dataclass(slots=True)
class PlannedUnit:
    """A checked row and the unit it becomes: `existing` when it updates one."""

    row: UnitRow
    unit_id: uuid.UUID
    existing: Unit | None
    values: dict[str, Any]
    parent_id: uuid.UUID | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ImportPlan:
    """What an import would do, or why it cannot."""

    rows: int
    planned: list[PlannedUnit]
    errors: list[RowError]

    @property
    def created(self) -> list[PlannedUnit]:
        """Rows registering new units."""
        return [p for p in self.planned if p.existing is None]

    @property
    def updated(self) -> list[PlannedUnit]:
        """Rows changing existing units."""
        return [p for p in self.planned if p.existing is not None and p.changes]

    @property
    def unchanged(self) -> int:
        """Rows whose unit already reads as they do."""
        return len(self.planned) - len(self.created) - len(self.updated)


def row_values(row: UnitRow, columns: dict[str, str]) -> dict[str, Any]:
    """The unit's fields as the row sets them: only those whose column the sheet has."""
    unit = row.unit
    values = {
        "key": unit.key,
        "kind": unit.kind,
        "name": unit.name,
        "area_code": unit.area_code,
        "incidents_place_id": unit.incidents_place_id,
        "contact_name": unit.contact.name,
        "contact_phone": unit.contact.phone,
        "contact_wecom_user_id": unit.contact.wecom_user_id,
    }
    # A key is never cleared by an empty cell: other systems may know the unit by it.
    return {k: v for k, v in values.items() if k in columns and (k != "key" or v is not None)}


async def existing_units(session: AsyncSession, rows: Sequence[UnitRow]) -> list[Unit]:
    """The units rows may name: by key, by (area code, name), or as a parent (key or name)."""
    query = text(
        "SELECT units.* FROM units"
        " WHERE key = ANY(CAST(:keys AS text[])) OR key = ANY(CAST(:refs AS text[]))"
        " OR name = ANY(CAST(:refs AS text[]))"
        " OR (area_code, name) IN"
        " (SELECT * FROM unnest(CAST(:areas AS text[]), CAST(:names AS text[])))"
    )
    params = {
        "keys": [r.unit.key for r in rows if r.unit.key],
        "refs": sorted({r.parent for r in rows if r.parent}),
        "areas": [r.unit.area_code for r in rows],
        "names": [r.unit.name for r in rows],
    }
    result = await session.execute(select(Unit).from_statement(query), params)
    return list(result.scalars())


def _target(
    row: UnitRow, by_key: dict[str, Unit], by_name: dict[tuple[str, str], Unit]
) -> Unit | RowError | None:
    """The existing unit the row names, None for a new one, or why it names none."""
    key = row.unit.key
    named = by_name.get(row.natural_key)
    keyed = by_key.get(key) if key else None
    if keyed is not None:
        if named is not None and named.id != keyed.id:
            return RowError(row.number, "name", "another unit has this name in this area")
        return keyed
    if named is not None and key and named.key not in (None, key):
        return RowError(row.number, "key", f"this unit is registered under the key {named.key}")
    return named


def match_rows(
    rows: Sequence[UnitRow], existing: Sequence[Unit], columns: dict[str, str]
) -> tuple[list[PlannedUnit], list[RowError]]:
    """Each row with the unit it updates or registers; rows naming a unit twice are refused."""
    by_key = {u.key: u for u in existing if u.key}
    by_name = {(u.area_code, u.name): u for u in existing}
    planned: list[PlannedUnit] = []
    errors: list[RowError] = []
    seen_keys: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    seen_units: dict[uuid.UUID, int] = {}
    for row in rows:
        key, natural = row.unit.key, row.natural_key
        if key and key in seen_keys:
            errors.append(RowError(row.number, "key", f"row {seen_keys[key]} has this key too"))
            continue
        if natural in seen_names:
            errors.append(RowError(row.number, "name", f"row {seen_names[natural]} names it too"))
            continue
        found = _target(row, by_key, by_name)
        if isinstance(found, RowError):
            errors.append(found)
            continue
        if found is not None and found.id in seen_units:
            first = seen_units[found.id]
            errors.append(RowError(row.number, "row", f"row {first} names the same unit"))
            continue
        unit_id = found.id if found is not None else uuid.uuid4()
        if key:
            seen_keys[key] = row.number
        seen_names[natural] = row.number
        seen_units[unit_id] = row.number
        planned.append(PlannedUnit(row, unit_id, found, row_values(row, columns)))
    return planned, [RowError(e.row, columns.get(e.field, e.field), e.message) for e in errors]


def check_rows(
    rows: Sequence[tuple[int, dict[str, Any]]],
    columns: dict[str, str],
    areas: Sequence[str] | None,
    progress: Progress | None,
) -> tuple[list[UnitRow], list[RowError]]:
    """Each row checked alone: the body's rules, and the caller's areas (None: any area)."""
    good: list[UnitRow] = []
    errors: list[RowError] = []
    for number, raw in rows:
        if progress is not None:
            progress.advance()
        checked = check_row(number, raw, columns)
        if isinstance(checked, list):
            errors.extend(checked)
        elif areas is not None and not in_areas(checked.unit.area_code, areas):
            errors.append(RowError(number, columns["area_code"], "outside your areas"))
        else:
            good.append(checked)
    return good, errors


def changes_of(planned: PlannedUnit, columns: dict[str, str]) -> dict[str, Any]:
    """What the row changes on its existing unit (everything, for a new one)."""
    wanted = dict(planned.values)
    if "parent" in columns:
        wanted["parent_unit_id"] = planned.parent_id
    if planned.existing is None:
        return wanted
    return {k: v for k, v in wanted.items() if getattr(planned.existing, k) != v}
