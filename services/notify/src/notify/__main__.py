"""`python -m notify api | migrate | demo`."""

from __future__ import annotations

from pathlib import Path

from notify.config import get_settings
from notify.demo import load_demo
from pingan_shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    raise SystemExit(
        run_service_cli(
            service="notify",
            settings_factory=get_settings,
            app_factory="notify.main:create_app",
            migrations_dir=MIGRATIONS,
            demo=load_demo,
        )
    )
