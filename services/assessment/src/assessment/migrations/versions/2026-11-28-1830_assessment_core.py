"""Schemes, rounds, inspections, findings, rectifications, draws, surveys, scores, bulletins, and
the append-only audit log.

Revision ID: 0002_assessment_core
Revises: 0001_initial
Create Date: 2026-11-28 18:30:23.759720+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_assessment_core"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "schemes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("unit_kinds", sa.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column("full_score", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("bonus_cap", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("rating_bands", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("failing_band", sa.String(length=20), nullable=False),
        sa.Column("unfixed_multiplier", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("locked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schemes")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_schemes_code_version")),
    )
    op.create_table(
        "assessment_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area_code", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_assessment_rounds_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_rounds")),
    )
    op.create_index(
        op.f("ix_assessment_rounds_scheme_id"), "assessment_rounds", ["scheme_id"], unique=False
    )
    op.create_table(
        "bonus_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_bonus_items_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_items")),
        sa.UniqueConstraint("scheme_id", "code", name=op.f("uq_bonus_items_scheme_id_code")),
    )
    op.create_index(op.f("ix_bonus_items_scheme_id"), "bonus_items", ["scheme_id"], unique=False)
    op.create_table(
        "scheme_blocks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("cap", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["scheme_blocks.id"],
            name=op.f("fk_scheme_blocks_parent_id_scheme_blocks"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_scheme_blocks_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_blocks")),
        sa.UniqueConstraint("scheme_id", "code", name=op.f("uq_scheme_blocks_scheme_id_code")),
    )
    op.create_index(
        op.f("ix_scheme_blocks_scheme_id"), "scheme_blocks", ["scheme_id"], unique=False
    )
    op.create_table(
        "veto_conditions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("incident_categories", sa.ARRAY(sa.String(length=40)), nullable=True),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_veto_conditions_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_veto_conditions")),
        sa.UniqueConstraint("scheme_id", "code", name=op.f("uq_veto_conditions_scheme_id_code")),
    )
    op.create_index(
        op.f("ix_veto_conditions_scheme_id"), "veto_conditions", ["scheme_id"], unique=False
    )
    op.create_table(
        "bonus_awards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("bonus_item_id", sa.Uuid(), nullable=False),
        sa.Column("points", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("awarded_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["bonus_item_id"],
            ["bonus_items.id"],
            name=op.f("fk_bonus_awards_bonus_item_id_bonus_items"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_bonus_awards_round_id_assessment_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_bonus_awards_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_awards")),
    )
    op.create_index(op.f("ix_bonus_awards_round_id"), "bonus_awards", ["round_id"], unique=False)
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_bulletins_round_id_assessment_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
        sa.UniqueConstraint("round_id", "version", name=op.f("uq_bulletins_round_id_version")),
    )
    op.create_index(op.f("ix_bulletins_round_id"), "bulletins", ["round_id"], unique=False)
    op.create_table(
        "indicators",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("block_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("rule", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("applicable_kinds", sa.ARRAY(sa.String(length=30)), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"], ["scheme_blocks.id"], name=op.f("fk_indicators_block_id_scheme_blocks")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_indicators_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("scheme_id", "code", name=op.f("uq_indicators_scheme_id_code")),
    )
    op.create_index(op.f("ix_indicators_block_id"), "indicators", ["block_id"], unique=False)
    op.create_index(op.f("ix_indicators_scheme_id"), "indicators", ["scheme_id"], unique=False)
    op.create_table(
        "inspection_schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("unit_kind", sa.String(length=30), nullable=True),
        sa.Column("area_code", sa.String(length=20), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=False),
        sa.Column("inspectors", sa.ARRAY(sa.String(length=200)), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_inspection_schedules_round_id_assessment_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_schedules")),
    )
    op.create_index(
        op.f("ix_inspection_schedules_round_id"), "inspection_schedules", ["round_id"], unique=False
    )
    op.create_table(
        "spot_draws",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("seed", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("candidates", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rule", sa.String(length=1000), nullable=False),
        sa.Column("selected", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("drawn_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_spot_draws_round_id_assessment_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_draws")),
    )
    op.create_index(op.f("ix_spot_draws_round_id"), "spot_draws", ["round_id"], unique=False)
    op.create_table(
        "survey_samples",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=True),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("area_code", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("n_asked", sa.Integer(), nullable=False),
        sa.Column("n_aware", sa.Integer(), nullable=False),
        sa.Column("n_participating", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "n_aware <= n_asked AND n_participating <= n_asked",
            name=op.f("ck_survey_samples_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_survey_samples_round_id_assessment_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_survey_samples_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_samples")),
    )
    op.create_index(op.f("ix_survey_samples_unit_id"), "survey_samples", ["unit_id"], unique=False)
    op.create_table(
        "unit_scores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("total", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("bonus", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "computed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_unit_scores_round_id_assessment_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_scores_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_scores")),
        sa.UniqueConstraint("round_id", "unit_id", name=op.f("uq_unit_scores_round_id_unit_id")),
    )
    op.create_index(op.f("ix_unit_scores_round_id"), "unit_scores", ["round_id"], unique=False)
    op.create_table(
        "vetoes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("veto_condition_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("incident_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_reason", sa.String(length=2000), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_vetoes_round_id_assessment_rounds"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_vetoes_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["veto_condition_id"],
            ["veto_conditions.id"],
            name=op.f("fk_vetoes_veto_condition_id_veto_conditions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetoes")),
    )
    op.create_index(op.f("ix_vetoes_round_id"), "vetoes", ["round_id"], unique=False)
    op.create_table(
        "inspections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("inspectors", sa.ARRAY(sa.String(length=200)), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=True),
        sa.Column("draw_id", sa.Uuid(), nullable=True),
        sa.Column("reinspection_of", sa.Uuid(), nullable=True),
        sa.Column("commitment", sa.String(length=64), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["spot_draws.id"], name=op.f("fk_inspections_draw_id_spot_draws")
        ),
        sa.ForeignKeyConstraint(
            ["reinspection_of"],
            ["inspections.id"],
            name=op.f("fk_inspections_reinspection_of_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_inspections_round_id_assessment_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_inspections_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    op.create_index(op.f("ix_inspections_round_id"), "inspections", ["round_id"], unique=False)
    op.create_index(op.f("ix_inspections_unit_id"), "inspections", ["unit_id"], unique=False)
    op.create_table(
        "manual_scores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("deduction", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("scored_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_manual_scores_indicator_id_indicators"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_rounds.id"],
            name=op.f("fk_manual_scores_round_id_assessment_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_manual_scores_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_scores")),
        sa.UniqueConstraint(
            "round_id",
            "unit_id",
            "indicator_id",
            name=op.f("uq_manual_scores_round_id_unit_id_indicator_id"),
        ),
    )
    op.create_index(op.f("ix_manual_scores_round_id"), "manual_scores", ["round_id"], unique=False)
    op.create_table(
        "findings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("faults", sa.Integer(), nullable=False),
        sa.Column("deduction", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name=op.f("fk_findings_indicator_id_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_findings_inspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index(op.f("ix_findings_indicator_id"), "findings", ["indicator_id"], unique=False)
    op.create_index(op.f("ix_findings_inspection_id"), "findings", ["inspection_id"], unique=False)
    op.create_table(
        "rectifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("finding_id", sa.Uuid(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.String(length=4000), nullable=True),
        sa.Column("answer_evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reinspection_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded", sa.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name=op.f("fk_rectifications_finding_id_findings")
        ),
        sa.ForeignKeyConstraint(
            ["reinspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectifications_reinspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
        sa.UniqueConstraint("finding_id", name=op.f("uq_rectifications_finding_id")),
    )
    op.execute(
        """
        CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_log_append_only
            BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("rectifications")
    op.drop_index(op.f("ix_findings_inspection_id"), table_name="findings")
    op.drop_index(op.f("ix_findings_indicator_id"), table_name="findings")
    op.drop_table("findings")
    op.drop_index(op.f("ix_manual_scores_round_id"), table_name="manual_scores")
    op.drop_table("manual_scores")
    op.drop_index(op.f("ix_inspections_unit_id"), table_name="inspections")
    op.drop_index(op.f("ix_inspections_round_id"), table_name="inspections")
    op.drop_table("inspections")
    op.drop_index(op.f("ix_vetoes_round_id"), table_name="vetoes")
    op.drop_table("vetoes")
    op.drop_index(op.f("ix_unit_scores_round_id"), table_name="unit_scores")
    op.drop_table("unit_scores")
    op.drop_index(op.f("ix_survey_samples_unit_id"), table_name="survey_samples")
    op.drop_table("survey_samples")
    op.drop_index(op.f("ix_spot_draws_round_id"), table_name="spot_draws")
    op.drop_table("spot_draws")
    op.drop_index(op.f("ix_inspection_schedules_round_id"), table_name="inspection_schedules")
    op.drop_table("inspection_schedules")
    op.drop_index(op.f("ix_indicators_scheme_id"), table_name="indicators")
    op.drop_index(op.f("ix_indicators_block_id"), table_name="indicators")
    op.drop_table("indicators")
    op.drop_index(op.f("ix_bulletins_round_id"), table_name="bulletins")
    op.drop_table("bulletins")
    op.drop_index(op.f("ix_bonus_awards_round_id"), table_name="bonus_awards")
    op.drop_table("bonus_awards")
    op.drop_index(op.f("ix_veto_conditions_scheme_id"), table_name="veto_conditions")
    op.drop_table("veto_conditions")
    op.drop_index(op.f("ix_scheme_blocks_scheme_id"), table_name="scheme_blocks")
    op.drop_table("scheme_blocks")
    op.drop_index(op.f("ix_bonus_items_scheme_id"), table_name="bonus_items")
    op.drop_table("bonus_items")
    op.drop_index(op.f("ix_assessment_rounds_scheme_id"), table_name="assessment_rounds")
    op.drop_table("assessment_rounds")
    op.drop_table("schemes")
    op.drop_table("audit_log")
