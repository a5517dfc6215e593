"""Notify service settings, read from `NOTIFY_*` and the shared unprefixed names."""

from __future__ import annotations

from functools import lru_cache
from typing import Self

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from pingan_shared.settings import ServiceSettings

WECOM_PRODUCTION_BASE_URL = "https://qyapi.weixin.qq.com"


class NotifySettings(ServiceSettings):
    """Settings of the notify API and worker.

    A provider whose base URL is unset is not configured: in development its messages go to the
    `log` channel (ARCHITECTURE.md §7); in production the providers' real endpoints are the defaults.
    """

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", populate_by_name=True)

    service_name: str = "notify"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/pingan_notify"
    port: int = 8003
    wecom_base_url: str | None = None
    provider_timeout_seconds: float = 10.0
    max_delivery_attempts: int = 5
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 300.0

    @model_validator(mode="after")
    def _production_endpoints(self) -> Self:
        if not self.is_development and not self.wecom_base_url:
            self.wecom_base_url = WECOM_PRODUCTION_BASE_URL
        if self.wecom_base_url:
            self.wecom_base_url = self.wecom_base_url.rstrip("/")
        return self

    def retry_delay(self, attempt: int) -> float:
        """Seconds to wait before try `attempt + 1`: exponential backoff, capped."""
        return float(
            min(self.retry_base_seconds * 2 ** max(attempt - 1, 0), self.retry_max_seconds)
        )


@lru_cache
def get_settings() -> NotifySettings:
    """The process's settings, read once from the environment."""
    return NotifySettings()
