"""Every service's migrations go all the way down and up again, and end at one head."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from pingan_shared import migrations
from pingan_shared.testing import migrated_database

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("service", ["incidents", "assessment", "notify"])
async def test_down_to_nothing_and_up_again(service: str) -> None:
    folder = REPO / f"services/{service}/src/{service}/migrations"
    async with migrated_database(f"mig{service}", folder) as url:
        config = migrations.alembic_config(folder, url)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1
        await asyncio.to_thread(command.downgrade, config, "base")
        await asyncio.to_thread(command.upgrade, config, "heads")
