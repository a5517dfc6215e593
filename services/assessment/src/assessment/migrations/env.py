"""Alembic environment of the assessment database."""

from assessment.tables import metadata
from assessment.units import models as _units  # noqa: F401 - registers the tables
from pingan_shared.migrations import run_env

run_env(metadata)
