"""Settings base: twelve-factor configuration from the environment, one class per service.

Each service subclasses `ServiceSettings` with its own prefix (`INCIDENTS_`, `ASSESSMENT_`,
`NOTIFY_`). The names shared by all services (`REDIS_URL`, `PINGAN_JWT_SECRET`, `PINGAN_ENV` …)
are read without a prefix, as ARCHITECTURE.md §6 names them.
"""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from typing import Self
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "pingan-development-secret-change-me"  # noqa: S105 - refused outside development
"""The JWT secret used when none is configured; accepted only in development and test."""


class Environment(StrEnum):
    """Where the process runs; secrets with development defaults are refused in production."""

    development = "development"
    test = "test"
    production = "production"


def _unprefixed(name: str) -> AliasChoices:
    return AliasChoices(name)


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `model_config` with their `env_prefix`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "pingan"
    environment: Environment = Field(
        default=Environment.development, validation_alias=_unprefixed("PINGAN_ENV")
    )
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/pingan"
    database_pool_size: int = 10
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0", validation_alias=_unprefixed("REDIS_URL")
    )
    host: str = "0.0.0.0"
    port: int = 8000
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        validation_alias=_unprefixed("PINGAN_FORWARDED_ALLOW_IPS"),
        description="Proxies whose X-Forwarded-For is believed (comma list, or * behind a "
        "proxy that always sets it): the client address public rate limits count by",
    )
    jwt_secret: SecretStr = Field(
        default=SecretStr(DEV_JWT_SECRET), validation_alias=_unprefixed("PINGAN_JWT_SECRET")
    )
    jwt_public_key: str | None = Field(
        default=None, validation_alias=_unprefixed("PINGAN_JWT_PUBLIC_KEY")
    )
    jwt_jwks_url: str | None = Field(
        default=None, validation_alias=_unprefixed("PINGAN_JWT_JWKS_URL")
    )
    # Signs the tokens this service presents to others, where they verify with the public key.
    jwt_private_key: SecretStr | None = Field(
        default=None, validation_alias=_unprefixed("PINGAN_JWT_PRIVATE_KEY")
    )
    log_level: str = Field(default="INFO", validation_alias=_unprefixed("PINGAN_LOG_LEVEL"))
    log_json: bool = Field(default=True, validation_alias=_unprefixed("PINGAN_LOG_JSON"))
    timezone: str = Field(
        default="Asia/Shanghai", validation_alias=_unprefixed("PINGAN_BUSINESS_TIMEZONE")
    )
    outbox_poll_seconds: float = 1.0

    @property
    def is_development(self) -> bool:
        """True in development and test, where development defaults are allowed."""
        return self.environment in (Environment.development, Environment.test)

    @field_validator("jwt_public_key", "jwt_jwks_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty `PINGAN_JWT_PUBLIC_KEY=` left in an .env file must not switch HS256 checks off.
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> Self:
        if self.is_development:
            return self
        uses_hs256 = self.jwt_public_key is None and self.jwt_jwks_url is None
        secret = self.jwt_secret.get_secret_value()
        if uses_hs256 and (secret == DEV_JWT_SECRET or "change-me" in secret or len(secret) < 32):
            raise ValueError(
                "PINGAN_JWT_SECRET must be set to a random value of at least 32 characters "
                f"when PINGAN_ENV={self.environment.value}"
            )
        return self


@lru_cache
def business_timezone() -> ZoneInfo:
    """The zone business rules use (quiet hours, day boundaries, local times of day):
    `PINGAN_BUSINESS_TIMEZONE`, Asia/Shanghai unless configured (ARCHITECTURE.md §3)."""
    return ZoneInfo(os.environ.get("PINGAN_BUSINESS_TIMEZONE") or "Asia/Shanghai")
