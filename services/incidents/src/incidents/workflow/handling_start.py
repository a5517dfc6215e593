"""Starting an incident's handling, as SQL other statements embed: the intake writes an incident
and starts its handling in one statement (`intake.writes.REPORT`); `START_HANDLING` does it alone.

The fragment uses the intake statement's parameter names (`:id`, `:category`, `:severity`,
`:status`, `:created_at`, `:reported_by`) and casts each the way that statement does.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

from incidents.intake.models import IncidentStatus, Severity, Source
from pingan_shared.auth import Principal
from pingan_shared.sql import NamedSql

DEFAULT_LIMITS: dict[Severity, tuple[int, int, int]] = {
    Severity.critical: (5, 15, 240),
    Severity.high: (15, 30, 1440),
    Severity.medium: (60, 120, 4320),
    Severity.low: (240, 720, 10080),
}
"""(accept, arrive, resolve) minutes for a category the `category_time_limits` table lacks."""


def handling_ctes(gate: str | None = None) -> str:
    """The CTEs `limits`, `chosen`, `handling` and `entry`: the incident's time limits (the
    category's row for the severity, else its any-severity row, else the defaults given), the
    accept deadline, and optionally the "report" timeline entry. With `gate`, the name of a CTE,
    the handling starts only when that CTE returned a row."""
    gated = f", {gate}" if gate else ""
    return f"""
limits AS (
    SELECT accept_minutes, arrive_minutes, resolve_minutes
    FROM category_time_limits
    WHERE category = :category::text AND (severity = :severity::text OR severity IS NULL)
    ORDER BY severity IS NULL
    LIMIT 1
), chosen AS (
    SELECT coalesce(l.accept_minutes, :accept_minutes::int) AS accept_minutes,
           coalesce(l.arrive_minutes, :arrive_minutes::int) AS arrive_minutes,
           coalesce(l.resolve_minutes, :resolve_minutes::int) AS resolve_minutes,
           :created_at::timestamptz
               + make_interval(mins => coalesce(l.accept_minutes, :accept_minutes::int))
               AS accept_due
    FROM (SELECT 1) AS one LEFT JOIN limits AS l ON true
), handling AS (
    INSERT INTO incident_handling (
        incident_id, accept_minutes, arrive_minutes, resolve_minutes, accept_due,
        deadline_stage, next_escalation_at)
    SELECT :id::uuid, accept_minutes, arrive_minutes, resolve_minutes, accept_due,
           CASE WHEN :status::text = 'reported' THEN 'accept' END,
           CASE WHEN :status::text = 'reported' THEN accept_due END
    FROM chosen{gated}
    ON CONFLICT (incident_id) DO NOTHING
    RETURNING incident_id
), entry AS (
    INSERT INTO incident_timeline (
        incident_id, at, actor_sub, actor_role, action, from_status, to_status, data)
    SELECT incident_id, :created_at::timestamptz, :reported_by::text, :actor_role::text,
           'report', NULL, :status::text, :entry_data::text::jsonb
    FROM handling
    WHERE :with_entry::boolean
)"""  # noqa: S608 - `gate` names a CTE of the calling statement


START_HANDLING = NamedSql(f"WITH {handling_ctes()}\nSELECT count(*) FROM handling")
"""Start an incident's handling in one round trip; nothing when it has started."""


class ReportedIncident(Protocol):
    """What starting the handling needs of an incident (an ORM row or the intake's record)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def category(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def status(self) -> IncidentStatus: ...
    @property
    def source(self) -> Source: ...
    @property
    def reported_by(self) -> str: ...
    @property
    def created_at(self) -> datetime | None: ...


def handling_params(
    incident: ReportedIncident, actor: Principal | None, *, with_entry: bool
) -> dict[str, Any]:
    """The parameters of `handling_ctes` for `incident`."""
    accept, arrive, resolve = DEFAULT_LIMITS[incident.severity]
    return {
        "created_at": incident.created_at or datetime.now(UTC),
        "id": incident.id,
        "category": incident.category,
        "severity": incident.severity.value,
        "status": incident.status.value,
        "reported_by": incident.reported_by,
        "actor_role": sorted(actor.roles)[0].value if actor and actor.roles else None,
        "entry_data": json.dumps(
            {"source": incident.source.value, "severity": incident.severity.value}
        ),
        "with_entry": with_entry,
        "accept_minutes": accept,
        "arrive_minutes": arrive,
        "resolve_minutes": resolve,
    }
