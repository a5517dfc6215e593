"""Handling workflow: handling rows, the append-only timeline, followers of merged duplicates,
escalations, and time limits per category and severity (seeded).

Revision ID: 0003_workflow
Revises: 0001_initial
Create Date: 2026-11-28 17:50:00+00:00

A trigger refuses UPDATE and DELETE on `incident_timeline`: the handling history is append-only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_workflow"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = [
    "theft",
    "burglary",
    "robbery",
    "fraud",
    "fight",
    "dispute",
    "harassment",
    "drugs",
    "gambling",
    "traffic",
    "fire_hazard",
    "public_order",
    "other",
]
# severity: (accept, arrive, resolve) minutes
LIMITS = {
    "critical": (5, 15, 240),
    "high": (15, 30, 1440),
    "medium": (60, 120, 4320),
    "low": (240, 720, 10080),
}
ACTIONS = [
    "accept",
    "reject",
    "merge",
    "dispatch",
    "start",
    "resolve",
    "close",
    "reopen",
    "rate",
    "supervise",
    "report",
    "escalate",
    "duplicate_merged",
]
STAGES = "('accept', 'arrive', 'resolve')"

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION incident_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'incident_timeline is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER incident_timeline_append_only
    BEFORE UPDATE OR DELETE ON incident_timeline
    FOR EACH ROW EXECUTE FUNCTION incident_timeline_append_only()
"""


def _when(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "incident_handling",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("target_kind", sa.String(20), nullable=True),
        sa.Column("target_id", sa.String(64), nullable=True),
        sa.Column("target_name", sa.String(100), nullable=True),
        sa.Column("target_area_code", sa.String(20), nullable=True),
        sa.Column("accept_minutes", sa.Integer(), nullable=False),
        sa.Column("arrive_minutes", sa.Integer(), nullable=False),
        sa.Column("resolve_minutes", sa.Integer(), nullable=False),
        _when("accept_due", nullable=False),
        _when("arrive_due"),
        _when("resolve_due"),
        _when("accepted_at"),
        _when("dispatched_at"),
        _when("started_at"),
        _when("resolved_at"),
        _when("closed_at"),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.Column("supervised", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        _when("supervised_at"),
        sa.Column(
            "escalation_level", sa.SmallInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("deadline_stage", sa.String(10), nullable=True),
        _when("next_escalation_at"),
        sa.Column("reopen_count", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        _when("rated_at"),
        sa.Column("rated_by", sa.String(200), nullable=True),
        sa.CheckConstraint(
            _in("target_kind", ["patrol_team", "police_office", "community_staff"]),
            name=op.f("ck_incident_handling_target_kind"),
        ),
        sa.CheckConstraint(
            f"deadline_stage IN {STAGES}", name=op.f("ck_incident_handling_deadline_stage")
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_incident_handling_rating")),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_handling_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["incidents.id"],
            name=op.f("fk_incident_handling_merged_into_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["target_area_code"],
            ["areas.code"],
            name=op.f("fk_incident_handling_target_area_code_areas"),
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_handling")),
    )
    op.create_index(
        "ix_incident_handling_next_escalation_at",
        "incident_handling",
        ["next_escalation_at"],
        postgresql_where=sa.text("next_escalation_at IS NOT NULL"),
    )

    op.create_table(
        "incident_timeline",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        _when("at", nullable=False),
        sa.Column("actor_sub", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "data", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.CheckConstraint(_in("action", ACTIONS), name=op.f("ck_incident_timeline_action")),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_timeline_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_timeline")),
    )
    op.create_index(
        "ix_incident_timeline_incident_id_id", "incident_timeline", ["incident_id", "id"]
    )
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(APPEND_ONLY_TRIGGER)

    op.create_table(
        "incident_followers",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("duplicate_id", sa.Uuid(), nullable=False),
        sa.Column("reporter_sub", sa.String(200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_followers_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_id"],
            ["incidents.id"],
            name=op.f("fk_incident_followers_duplicate_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("incident_id", "duplicate_id", name=op.f("pk_incident_followers")),
    )
    op.create_index(
        op.f("ix_incident_followers_duplicate_id"), "incident_followers", ["duplicate_id"]
    )

    op.create_table(
        "incident_escalations",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.SmallInteger(), nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("overdue_minutes", sa.Integer(), nullable=False),
        _when("at", nullable=False),
        sa.CheckConstraint(f"stage IN {STAGES}", name=op.f("ck_incident_escalations_stage")),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_escalations_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_incident_escalations_area_code_areas")
        ),
        sa.PrimaryKeyConstraint(
            "incident_id", "round", "stage", "level", name=op.f("pk_incident_escalations")
        ),
    )

    op.create_table(
        "category_time_limits",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(10), nullable=True),
        sa.Column("accept_minutes", sa.Integer(), nullable=False),
        sa.Column("arrive_minutes", sa.Integer(), nullable=False),
        sa.Column("resolve_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            _in("severity", list(LIMITS)), name=op.f("ck_category_time_limits_severity")
        ),
        sa.CheckConstraint(
            "accept_minutes > 0 AND arrive_minutes > 0 AND resolve_minutes > 0",
            name=op.f("ck_category_time_limits_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["category"],
            ["categories.code"],
            name=op.f("fk_category_time_limits_category_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_time_limits")),
        sa.UniqueConstraint(
            "category",
            "severity",
            name=op.f("uq_category_time_limits_category_severity"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    limits = sa.table(
        "category_time_limits",
        sa.column("category", sa.String),
        sa.column("severity", sa.String),
        sa.column("accept_minutes", sa.Integer),
        sa.column("arrive_minutes", sa.Integer),
        sa.column("resolve_minutes", sa.Integer),
    )
    op.execute(
        limits.insert().values(
            [
                {
                    "category": category,
                    "severity": severity,
                    "accept_minutes": accept,
                    "arrive_minutes": arrive,
                    "resolve_minutes": resolve,
                }
                for category in CATEGORIES
                for severity, (accept, arrive, resolve) in LIMITS.items()
            ]
        )
    )


def downgrade() -> None:
    op.drop_table("category_time_limits")
    op.drop_table("incident_escalations")
    op.drop_index(op.f("ix_incident_followers_duplicate_id"), table_name="incident_followers")
    op.drop_table("incident_followers")
    op.execute("DROP TRIGGER incident_timeline_append_only ON incident_timeline")
    op.execute("DROP FUNCTION incident_timeline_append_only()")
    op.drop_index("ix_incident_timeline_incident_id_id", table_name="incident_timeline")
    op.drop_table("incident_timeline")
    op.drop_index("ix_incident_handling_next_escalation_at", table_name="incident_handling")
    op.drop_table("incident_handling")
