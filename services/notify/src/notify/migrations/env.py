"""Alembic environment of the notify database."""

from notify.messages import models as _messages  # noqa: F401 - registers the tables
from notify.tables import metadata
from pingan_shared.migrations import run_env

run_env(metadata)
