"""Focus problems (突出问题): the problems, their append-only measures, the reminders sent.

Revision ID: 0012_focus_problems
Revises: 0011_merge_heads
Create Date: 2026-11-28 20:10:00+00:00

A trigger refuses UPDATE and DELETE on `focus_measures`: what was done is history, and a problem
with measures recorded cannot be deleted (only resolved).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_focus_problems"
down_revision: str | Sequence[str] | None = "0011_merge_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION focus_measures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'focus_measures is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER focus_measures_append_only
    BEFORE UPDATE OR DELETE ON focus_measures
    FOR EACH ROW EXECUTE FUNCTION focus_measures_append_only()
"""


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _now(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _problems() -> None:
    op.create_table(
        "focus_problems",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_ref", sa.String(200), nullable=True),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("cells", postgresql.ARRAY(sa.String(16)), server_default="{}", nullable=False),
        sa.Column("place_id", sa.Uuid(), nullable=True),
        sa.Column(
            "categories", postgresql.ARRAY(sa.String(40)), server_default="{}", nullable=False
        ),
        sa.Column("owner_name", sa.String(100), nullable=True),
        sa.Column("owner_phone", sa.String(20), nullable=True),
        sa.Column("owner_wecom_user_id", sa.String(64), nullable=True),
        sa.Column("owner_contact_id", sa.Uuid(), nullable=True),
        sa.Column("measures_started_on", sa.Date(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), server_default="open", nullable=False),
        sa.Column(
            "escalation_level", sa.SmallInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            _in("source", ["hot_spot", "hot_place", "area", "series"]),
            name=op.f("ck_focus_problems_source"),
        ),
        sa.CheckConstraint(
            _in("status", ["open", "overdue", "resolved"]), name=op.f("ck_focus_problems_status")
        ),
        sa.CheckConstraint(
            "owner_contact_id IS NOT NULL OR owner_phone IS NOT NULL"
            " OR owner_wecom_user_id IS NOT NULL",
            name=op.f("ck_focus_problems_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_focus_problems_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_focus_problems_place_id_places")
        ),
        sa.ForeignKeyConstraint(
            ["owner_contact_id"],
            ["contacts.id"],
            name=op.f("fk_focus_problems_owner_contact_id_contacts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_problems")),
    )
    op.create_index(
        "ix_focus_problems_status_target_date", "focus_problems", ["status", "target_date"]
    )
    op.create_index(
        "ix_focus_problems_area_code_pattern",
        "focus_problems",
        ["area_code"],
        postgresql_ops={"area_code": "text_pattern_ops"},
    )


def upgrade() -> None:
    _problems()
    op.create_table(
        "focus_measures",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("problem_id", sa.Uuid(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        _now("recorded_at"),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["focus_problems.id"],
            name=op.f("fk_focus_measures_problem_id_focus_problems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_measures")),
    )
    op.create_index("ix_focus_measures_problem_id_id", "focus_measures", ["problem_id", "id"])
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(APPEND_ONLY_TRIGGER)
    op.create_table(
        "focus_reminders",
        sa.Column("problem_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("step", sa.SmallInteger(), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("kind", ["due", "escalated"]), name=op.f("ck_focus_reminders_kind")),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["focus_problems.id"],
            name=op.f("fk_focus_reminders_problem_id_focus_problems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_focus_reminders_area_code_areas")
        ),
        sa.PrimaryKeyConstraint(
            "problem_id", "kind", "target_date", "step", name=op.f("pk_focus_reminders")
        ),
    )


def downgrade() -> None:
    op.drop_table("focus_reminders")
    op.execute("DROP TRIGGER focus_measures_append_only ON focus_measures")
    op.execute("DROP FUNCTION focus_measures_append_only()")
    op.drop_index("ix_focus_measures_problem_id_id", table_name="focus_measures")
    op.drop_table("focus_measures")
    op.drop_index("ix_focus_problems_area_code_pattern", table_name="focus_problems")
    op.drop_index("ix_focus_problems_status_target_date", table_name="focus_problems")
    op.drop_table("focus_problems")
