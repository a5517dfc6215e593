"""Alembic environment of the assessment database."""

from assessment.audit import models as _audit  # noqa: F401 - registers the tables
from assessment.inspections import models as _inspections  # noqa: F401
from assessment.rounds import models as _rounds  # noqa: F401
from assessment.schemes import models as _schemes  # noqa: F401
from assessment.surveys import models as _surveys  # noqa: F401
from assessment.tables import metadata
from assessment.units import models as _units  # noqa: F401
from pingan_shared.migrations import run_env

run_env(metadata)
