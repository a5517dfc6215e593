"""What other parts of the incidents service call on patrols.

- `on_duty(session, area_code, at, *, include_inside=False) -> list[OnDutyTeam]`: who is on
  duty where an incident happened (automatic dispatch).
- `materialise_shifts(session, until, *, since=None, …) -> int`: make the weekly schedules'
  shifts up to `until` (the worker's daily job; idempotent).
"""

from __future__ import annotations

from incidents.patrols.shifts.duty import on_duty
from incidents.patrols.shifts.schemas import OnDutyMember, OnDutyTeam
from incidents.patrols.shifts.service import materialise_shifts

__all__ = ["OnDutyMember", "OnDutyTeam", "materialise_shifts", "on_duty"]
