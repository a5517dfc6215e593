"""The notify service's table registry and its infrastructure tables (outbox, idempotency)."""

from __future__ import annotations

from sqlmodel import SQLModel

from pingan_shared.db import new_registry
from pingan_shared.idempotency import IdempotencyKeys
from pingan_shared.tables import define_infrastructure_tables

registry = new_registry()
metadata = registry.metadata
infrastructure = define_infrastructure_tables(metadata)
idempotency_keys = IdempotencyKeys(infrastructure.idempotency_keys)


class Table(SQLModel, registry=registry):
    """Base of every notify table: they live on this service's own metadata."""
