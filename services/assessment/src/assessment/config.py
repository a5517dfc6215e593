"""Assessment service settings, read from `ASSESSMENT_*` and the shared unprefixed names."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from pingan_shared.settings import ServiceSettings


class AssessmentSettings(ServiceSettings):
    """Settings of the assessment API and worker."""

    model_config = SettingsConfigDict(
        env_prefix="ASSESSMENT_", extra="ignore", populate_by_name=True
    )

    service_name: str = "assessment"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/pingan_assessment"
    port: int = 8002
    incidents_url: str = Field(
        default="http://127.0.0.1:8001", validation_alias=AliasChoices("INCIDENTS_URL")
    )
    # What the service token shown to incidents may read: the province's code (云南 53) by
    # default, so every unit's area lies inside it. ASSESSMENT_INCIDENTS_TOKEN_AREAS='["530128"]'
    # narrows it to one county.
    incidents_token_areas: list[str] = Field(default_factory=lambda: ["53"], min_length=1)
    incidents_timeout_seconds: float = Field(default=5.0, gt=0)
    # A token for incidents issued by the county's identity provider, where services verify
    # tokens through JWKS and this one holds no signing key.
    incidents_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("INCIDENTS_TOKEN")
    )


@lru_cache
def get_settings() -> AssessmentSettings:
    """The process's settings, read once from the environment."""
    return AssessmentSettings()
