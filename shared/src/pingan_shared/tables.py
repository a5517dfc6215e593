"""Infrastructure tables every service has in its own database: the outbox and idempotency keys.

They are SQLAlchemy Core tables defined on the service's own metadata, so each service's Alembic
history creates them beside its domain tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


@dataclass(frozen=True, slots=True)
class InfrastructureTables:
    """The outbox and idempotency-key tables of one service."""

    outbox: Table
    idempotency_keys: Table


def define_infrastructure_tables(metadata: MetaData) -> InfrastructureTables:
    """Declare the infrastructure tables on a service's metadata."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("queue", String(100), nullable=False),
        Column("job", String(100), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Index("ix_outbox_unsent", "created_at", postgresql_where=text("sent_at IS NULL")),
    )
    idempotency_keys = Table(
        "idempotency_keys",
        metadata,
        Column("principal", String(200), primary_key=True),
        Column("operation", String(100), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer),
        Column("response", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )
    return InfrastructureTables(outbox=outbox, idempotency_keys=idempotency_keys)
