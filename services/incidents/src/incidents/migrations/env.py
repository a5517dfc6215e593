"""Alembic environment of the incidents database."""

from incidents.areas import models as _areas  # noqa: F401 - registers the tables
from incidents.duplicates import models as _duplicates  # noqa: F401 - registers the tables
from incidents.focus import models as _focus  # noqa: F401 - registers the tables
from incidents.intake import models as _intake  # noqa: F401 - registers the tables
from incidents.open311 import models as _open311  # noqa: F401 - registers the tables
from incidents.patrols import models as _patrols  # noqa: F401 - registers the tables
from incidents.places import models as _places  # noqa: F401 - registers the tables
from incidents.privacy import reads as _privacy  # noqa: F401 - registers the tables
from incidents.public import models as _public  # noqa: F401 - registers the tables
from incidents.tables import metadata
from incidents.workflow import models as _workflow  # noqa: F401 - registers the tables
from pingan_shared.migrations import run_env

run_env(metadata)
