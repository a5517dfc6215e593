"""The settings' environment names, and the worker's queue and scheduled job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.config import AssessmentSettings
from assessment.tables import infrastructure
from assessment.worker import WorkerSettings, service_worker
from pingan_shared.queue import ASSESSMENT_QUEUE, deserialize, serialize


def test_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTS_URL", "http://incidents-api:8001")
    monkeypatch.setenv(
        "ASSESSMENT_DATABASE_URL", "postgresql+asyncpg://u@db:5432/pingan_assessment"
    )
    monkeypatch.setenv("ASSESSMENT_PORT", "9002")
    monkeypatch.setenv("ASSESSMENT_INCIDENTS_TOKEN_AREAS", '["530128"]')
    settings = AssessmentSettings()
    assert settings.incidents_url == "http://incidents-api:8001"
    assert settings.database_url.endswith("@db:5432/pingan_assessment")
    assert settings.port == 9002
    assert settings.incidents_token_areas == ["530128"]


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INCIDENTS_URL", "ASSESSMENT_PORT", "ASSESSMENT_INCIDENTS_TOKEN_AREAS"):
        monkeypatch.delenv(name, raising=False)
    settings = AssessmentSettings()
    assert settings.incidents_url == "http://127.0.0.1:8001"
    assert settings.port == 8002
    assert settings.incidents_token_areas == ["53"]


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PINGAN_JWT_SECRET", raising=False)
    monkeypatch.setenv("PINGAN_ENV", "production")
    with pytest.raises(ValidationError, match="PINGAN_JWT_SECRET"):
        AssessmentSettings()


def test_worker_speaks_json_on_the_assessment_queue() -> None:
    assert WorkerSettings.queue_name == ASSESSMENT_QUEUE == "pingan:assessment"
    assert WorkerSettings.job_serializer is serialize
    assert WorkerSettings.job_deserializer is deserialize


async def test_purge_removes_only_expired_keys(
    app_and_client: tuple[FastAPI, httpx.AsyncClient], session: AsyncSession
) -> None:
    table = infrastructure.idempotency_keys
    now = datetime.now(UTC)
    row = {"principal": "tester", "operation": "units_create", "request_hash": "0" * 64}
    await session.execute(
        insert(table).values(
            [
                {**row, "key": "old", "created_at": now - timedelta(hours=25)},
                {**row, "key": "new", "created_at": now - timedelta(hours=23)},
            ]
        )
    )
    await session.flush()
    removed = await service_worker.purge_idempotency_keys(
        {"database": app_and_client[0].state.database}
    )
    assert removed == 1
    assert list((await session.execute(select(table.c.key))).scalars()) == ["new"]
