"""Areas, duty contacts, the category catalogue, incidents; outbox and idempotency keys.

Revision ID: 7248739f113e
Revises:
Create Date: 2026-11-28 16:00:27.894776+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pingan_shared.migration_ops import create_infrastructure_v1, drop_infrastructure_v1

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = [
    ("theft", "盗窃", "medium"),
    ("burglary", "入室盗窃", "high"),
    ("robbery", "抢劫抢夺", "high"),
    ("fraud", "诈骗", "medium"),
    ("fight", "打架斗殴", "medium"),
    ("dispute", "矛盾纠纷", "low"),
    ("harassment", "骚扰滋事", "medium"),
    ("drugs", "涉毒", "high"),
    ("gambling", "涉赌", "medium"),
    ("traffic", "交通事故", "medium"),
    ("fire_hazard", "消防隐患", "high"),
    ("public_order", "扰乱公共秩序", "medium"),
    ("other", "其他", "low"),
]


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column(
            "level",
            sa.Enum("county", "town", "community", "village", "grid", name="arealevel"),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(20), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["areas.code"], name=op.f("fk_areas_parent_code_areas")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_areas")),
    )
    op.create_index(op.f("ix_areas_parent_code"), "areas", ["parent_code"], unique=False)
    op.create_table(
        "categories",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column(
            "default_severity",
            sa.Enum("low", "medium", "high", "critical", name="severity"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_categories")),
    )
    create_infrastructure_v1()
    categories = sa.table(
        "categories",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("default_severity", postgresql.ENUM(name="severity", create_type=False)),
        sa.column("active", sa.Boolean),
    )
    op.execute(
        categories.insert().values(
            [
                {"code": c, "name": n, "default_severity": s, "active": True}
                for c, n, s in CATEGORIES
            ]
        )
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "police_office",
                "community_staff",
                "patrol_leader",
                "duty_robot",
                name="contactrole",
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("wecom_user_id", sa.String(64), nullable=True),
        sa.Column("wecom_robot_key", sa.String(200), nullable=True),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_contacts_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index(op.f("ix_contacts_area_code"), "contacts", ["area_code"], unique=False)
    op.create_table(
        "incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column(
            "severity",
            sa.Enum("low", "medium", "high", "critical", name="severity"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "reported",
                "accepted",
                "rejected",
                "merged",
                "dispatched",
                "in_progress",
                "resolved",
                "closed",
                "reopened",
                name="incidentstatus",
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurred_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occurred_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("reporter_name", sa.String(100), nullable=True),
        sa.Column("reporter_phone", sa.String(20), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "resident",
                "patrol",
                "police_office",
                "community_staff",
                "county_system",
                name="source",
            ),
            nullable=False,
        ),
        sa.Column("source_system", sa.String(100), nullable=True),
        sa.Column("external_ref", sa.String(200), nullable=True),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_incidents_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["category"], ["categories.code"], name=op.f("fk_incidents_category_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint(
            "source_system", "external_ref", name=op.f("uq_incidents_source_system_external_ref")
        ),
    )
    op.create_index(
        "ix_incidents_area_code_occurred", "incidents", ["area_code", "occurred_at"], unique=False
    )
    op.create_index(
        "ix_incidents_area_code_pattern",
        "incidents",
        ["area_code"],
        unique=False,
        postgresql_ops={"area_code": "text_pattern_ops"},
    )
    op.create_index("ix_incidents_created_at_id", "incidents", ["created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_incidents_created_at_id", table_name="incidents")
    op.drop_index(
        "ix_incidents_area_code_pattern",
        table_name="incidents",
        postgresql_ops={"area_code": "text_pattern_ops"},
    )
    op.drop_index("ix_incidents_area_code_occurred", table_name="incidents")
    op.drop_table("incidents")
    op.drop_index(op.f("ix_contacts_area_code"), table_name="contacts")
    op.drop_table("contacts")
    drop_infrastructure_v1()
    op.drop_table("categories")
    op.drop_index(op.f("ix_areas_parent_code"), table_name="areas")
    op.drop_table("areas")
    for enum in ("incidentstatus", "source", "severity", "contactrole", "arealevel"):
        op.execute(f"DROP TYPE IF EXISTS {enum}")
