"""Patrols: teams and members, guard points, schedules, shifts, patrol logs, track points, findings.

Revision ID: 0002_patrols
Revises: 0001_initial
Create Date: 2026-11-28 17:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_patrols"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column[object]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _version() -> sa.Column[object]:
    return sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "patrol_teams",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("leader_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _version(),
        _created_at(),
        sa.CheckConstraint(
            "kind IN ('patrol_team', 'village_guard_team')", name=op.f("ck_patrol_teams_kind")
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_patrol_teams_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_teams")),
        sa.UniqueConstraint("area_code", "name", name=op.f("uq_patrol_teams_area_code_name")),
    )
    op.create_index(op.f("ix_patrol_teams_area_code"), "patrol_teams", ["area_code"])
    op.create_table(
        "patrol_members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("wecom_user_id", sa.String(64), nullable=True),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _version(),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["team_id"], ["patrol_teams.id"], name=op.f("fk_patrol_members_team_id_patrol_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_members")),
        sa.UniqueConstraint("team_id", "phone", name=op.f("uq_patrol_members_team_id_phone")),
        sa.UniqueConstraint("team_id", "subject", name=op.f("uq_patrol_members_team_id_subject")),
    )
    op.create_index(op.f("ix_patrol_members_team_id"), "patrol_members", ["team_id"])
    op.create_index("ix_patrol_members_subject", "patrol_members", ["subject"])
    op.create_foreign_key(
        op.f("fk_patrol_teams_leader_id_patrol_members"),
        "patrol_teams",
        "patrol_members",
        ["leader_id"],
        ["id"],
    )
    op.create_table(
        "guard_points",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _version(),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_guard_points_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guard_points")),
        sa.UniqueConstraint("area_code", "name", name=op.f("uq_guard_points_area_code_name")),
    )
    op.create_index(op.f("ix_guard_points_area_code"), "guard_points", ["area_code"])
    op.create_table(
        "guard_assignments",
        sa.Column("guard_point_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guard_point_id"],
            ["guard_points.id"],
            name=op.f("fk_guard_assignments_guard_point_id_guard_points"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["patrol_members.id"],
            name=op.f("fk_guard_assignments_member_id_patrol_members"),
        ),
        sa.PrimaryKeyConstraint("guard_point_id", "member_id", name=op.f("pk_guard_assignments")),
    )
    op.create_index(op.f("ix_guard_assignments_member_id"), "guard_assignments", ["member_id"])
    op.create_table(
        "patrol_schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("route", postgresql.JSONB(), nullable=True),
        sa.Column("weekdays", postgresql.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _version(),
        _created_at(),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 1 AND 1440", name=op.f("ck_patrol_schedules_duration")
        ),
        sa.CheckConstraint(
            "cardinality(weekdays) >= 1 AND weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]",
            name=op.f("ck_patrol_schedules_weekdays"),
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_patrol_schedules_validity")
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_patrol_schedules_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["patrol_teams.id"],
            name=op.f("fk_patrol_schedules_team_id_patrol_teams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_schedules")),
    )
    op.create_index(op.f("ix_patrol_schedules_team_id"), "patrol_schedules", ["team_id"])
    op.create_table(
        "patrol_shifts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("route", postgresql.JSONB(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'",
            name=op.f("ck_patrol_shifts_span"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_patrol_shifts_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["patrol_schedules.id"],
            name=op.f("fk_patrol_shifts_schedule_id_patrol_schedules"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["patrol_teams.id"], name=op.f("fk_patrol_shifts_team_id_patrol_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_shifts")),
        sa.UniqueConstraint(
            "schedule_id", "starts_at", name=op.f("uq_patrol_shifts_schedule_id_starts_at")
        ),
    )
    op.create_index("ix_patrol_shifts_starts_at", "patrol_shifts", ["starts_at"])
    op.create_index("ix_patrol_shifts_team_id_starts_at", "patrol_shifts", ["team_id", "starts_at"])
    op.create_table(
        "patrol_logs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_lat", sa.Float(), nullable=False),
        sa.Column("start_lon", sa.Float(), nullable=False),
        sa.Column("start_cell", sa.String(16), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_lat", sa.Float(), nullable=True),
        sa.Column("end_lon", sa.Float(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at > started_at", name=op.f("ck_patrol_logs_span")
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_patrol_logs_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["patrol_members.id"],
            name=op.f("fk_patrol_logs_member_id_patrol_members"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["patrol_shifts.id"], name=op.f("fk_patrol_logs_shift_id_patrol_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["patrol_teams.id"], name=op.f("fk_patrol_logs_team_id_patrol_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_logs")),
    )
    op.create_index("ix_patrol_logs_team_id_started_at", "patrol_logs", ["team_id", "started_at"])
    op.create_index("ix_patrol_logs_started_at", "patrol_logs", ["started_at"])
    op.create_index(
        "ix_patrol_logs_area_code_pattern",
        "patrol_logs",
        ["area_code"],
        postgresql_ops={"area_code": "text_pattern_ops"},
    )
    op.create_index(
        "uq_patrol_logs_open_member",
        "patrol_logs",
        ["member_id"],
        unique=True,
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.create_table(
        "patrol_track_points",
        sa.Column("log_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("cell", sa.String(16), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["log_id"], ["patrol_logs.id"], name=op.f("fk_patrol_track_points_log_id_patrol_logs")
        ),
        sa.PrimaryKeyConstraint("log_id", "at", name=op.f("pk_patrol_track_points")),
    )
    op.create_table(
        "patrol_findings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("log_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("incident_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["category"], ["categories.code"], name=op.f("fk_patrol_findings_category_categories")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_patrol_findings_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["log_id"], ["patrol_logs.id"], name=op.f("fk_patrol_findings_log_id_patrol_logs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_findings")),
    )
    op.create_index(op.f("ix_patrol_findings_log_id"), "patrol_findings", ["log_id"])


def downgrade() -> None:
    op.drop_table("patrol_findings")
    op.drop_table("patrol_track_points")
    op.drop_table("patrol_logs")
    op.drop_table("patrol_shifts")
    op.drop_table("patrol_schedules")
    op.drop_table("guard_assignments")
    op.drop_table("guard_points")
    op.drop_constraint(
        op.f("fk_patrol_teams_leader_id_patrol_members"), "patrol_teams", type_="foreignkey"
    )
    op.drop_table("patrol_members")
    op.drop_table("patrol_teams")
