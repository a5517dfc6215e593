"""`python -m incidents api | migrate | demo`."""

from __future__ import annotations

from pathlib import Path

from incidents.config import get_settings
from incidents.demo import load_demo
from incidents.imports.catalogue_command import IMPORT_AREAS, IMPORT_PLACES
from incidents.imports.command import IMPORT_INCIDENTS
from pingan_shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    raise SystemExit(
        run_service_cli(
            service="incidents",
            settings_factory=get_settings,
            app_factory="incidents.main:create_app",
            migrations_dir=MIGRATIONS,
            demo=load_demo,
            commands={
                "import-incidents": IMPORT_INCIDENTS,
                "import-areas": IMPORT_AREAS,
                "import-places": IMPORT_PLACES,
            },
        )
    )
