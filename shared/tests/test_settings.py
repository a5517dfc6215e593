"""Settings refuse development secrets outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pingan_shared.settings import DEV_JWT_SECRET, ServiceSettings


def test_development_accepts_the_default_secret() -> None:
    settings = ServiceSettings(environment="development")
    assert settings.jwt_secret.get_secret_value() == DEV_JWT_SECRET


@pytest.mark.parametrize("secret", [DEV_JWT_SECRET, "change-me", "short-but-random-1234"])
def test_production_refuses_weak_or_default_secrets(secret: str) -> None:
    with pytest.raises(ValidationError, match="PINGAN_JWT_SECRET"):
        ServiceSettings(environment="production", jwt_secret=secret)


def test_production_accepts_a_real_secret_or_rs256(monkeypatch: pytest.MonkeyPatch) -> None:
    ServiceSettings(environment="production", jwt_secret="x" * 16 + "9f3a1c7e5b2d4f6a8c0e")
    monkeypatch.setenv("PINGAN_ENV", "production")
    monkeypatch.setenv("PINGAN_JWT_JWKS_URL", "https://idp.example/jwks.json")
    assert ServiceSettings().jwt_jwks_url == "https://idp.example/jwks.json"


def test_a_blank_public_key_does_not_disable_the_secret_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PINGAN_ENV", "production")
    monkeypatch.setenv("PINGAN_JWT_PUBLIC_KEY", "")
    with pytest.raises(ValidationError):
        ServiceSettings()


def test_unprefixed_names_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://queue.internal:6380/2")
    assert ServiceSettings().redis_url == "redis://queue.internal:6380/2"


def test_the_business_time_zone_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from pingan_shared.settings import business_timezone

    business_timezone.cache_clear()
    assert business_timezone().key == "Asia/Shanghai"
    monkeypatch.setenv("PINGAN_BUSINESS_TIMEZONE", "Asia/Urumqi")
    business_timezone.cache_clear()
    try:
        assert business_timezone().key == "Asia/Urumqi"
    finally:
        business_timezone.cache_clear()
