"""Finding each imported row's parent unit (上级单位) from what the sheet writes.

The cell holds the parent's key (外部编号) or its name. A key names one unit. A name must match
exactly one unit, as the import leaves things, whose area is the row's area or contains it
(a community's committee is the parent of the compounds in its grids); otherwise the row is
refused, asking for the key. A unit is never its own ancestor.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from assessment.units.imports import PlannedUnit
from assessment.units.models import Unit
from pingan_shared.spreadsheets import RowError


@dataclass(frozen=True, slots=True)
class _Candidate:
    id: uuid.UUID
    key: str | None
    name: str
    area_code: str
    parent_id: uuid.UUID | None


def _final_units(planned: Sequence[PlannedUnit], existing: Sequence[Unit]) -> list[_Candidate]:
    """Every unit the import knows of, as it will read after the import."""
    by_id: dict[uuid.UUID, _Candidate] = {
        u.id: _Candidate(u.id, u.key, u.name, u.area_code, u.parent_unit_id) for u in existing
    }
    for p in planned:
        old = by_id.get(p.unit_id)
        key = p.values.get("key", old.key if old else None)
        parent = old.parent_id if old else None
        by_id[p.unit_id] = _Candidate(
            p.unit_id, key, p.values["name"], p.values["area_code"], parent
        )
    return list(by_id.values())


class _Directory:
    """The units by key and by name."""

    def __init__(self, units: Sequence[_Candidate]) -> None:
        self.by_key = {u.key: u for u in units if u.key}
        self.by_name: dict[str, list[_Candidate]] = {}
        for u in units:
            self.by_name.setdefault(u.name, []).append(u)

    def find(self, ref: str, area_code: str) -> _Candidate | str:
        """The unit `ref` names for a row in `area_code`, or why there is none."""
        keyed = self.by_key.get(ref)
        if keyed is not None:
            return keyed
        named = [u for u in self.by_name.get(ref, []) if area_code.startswith(u.area_code)]
        if len(named) == 1:
            return named[0]
        if not named:
            return "no unit of this key, or of this name in the row's area or above it"
        return "several units have this name; give the parent's key (外部编号)"


def _is_ancestor(
    unit_id: uuid.UUID, parent_id: uuid.UUID, parents: dict[uuid.UUID, uuid.UUID | None]
) -> bool:
    """Whether `unit_id` lies on the chain of parents above `parent_id` (or is it)."""
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = parent_id
    while current is not None and current not in seen:
        if current == unit_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def resolve_parents(
    planned: Sequence[PlannedUnit], existing: Sequence[Unit], columns: dict[str, str]
) -> list[RowError]:
    """Set each row's `parent_id`; the errors of rows whose parent cannot be told."""
    if "parent" not in columns:
        return []
    units = _final_units(planned, existing)
    directory = _Directory(units)
    parents = {u.id: u.parent_id for u in units}
    errors: list[RowError] = []
    for p in planned:
        ref = p.row.parent
        if ref is None:
            parents[p.unit_id] = None
            continue
        found = directory.find(ref, p.values["area_code"])
        if isinstance(found, str):
            errors.append(RowError(p.row.number, columns["parent"], found))
        elif _is_ancestor(p.unit_id, found.id, parents):
            errors.append(
                RowError(p.row.number, columns["parent"], "a unit cannot be above itself")
            )
        else:
            p.parent_id = found.id
            parents[p.unit_id] = found.id
    return errors
