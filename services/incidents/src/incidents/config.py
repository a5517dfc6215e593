"""Incidents service settings, read from `INCIDENTS_*` and the shared unprefixed names."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from pingan_shared.settings import ServiceSettings


class IncidentsSettings(ServiceSettings):
    """Settings of the incidents API and worker."""

    model_config = SettingsConfigDict(
        env_prefix="INCIDENTS_", extra="ignore", populate_by_name=True
    )

    service_name: str = "incidents"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/pingan_incidents"
    port: int = 8001
    public_reports_per_hour: int = 10


@lru_cache
def get_settings() -> IncidentsSettings:
    """The process's settings, read once from the environment."""
    return IncidentsSettings()
