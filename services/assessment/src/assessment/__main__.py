"""`python -m assessment api | migrate | demo`."""

from __future__ import annotations

from pathlib import Path

from assessment.config import get_settings
from assessment.demo import load_demo
from assessment.units.transfer_command import EXPORT_UNITS, IMPORT_UNITS
from pingan_shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    raise SystemExit(
        run_service_cli(
            service="assessment",
            settings_factory=get_settings,
            app_factory="assessment.main:create_app",
            migrations_dir=MIGRATIONS,
            demo=load_demo,
            commands={"import-units": IMPORT_UNITS, "export-units": EXPORT_UNITS},
        )
    )
