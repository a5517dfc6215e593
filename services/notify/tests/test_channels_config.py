"""Which channels a process has: the log channel in development, real endpoints in production."""

from __future__ import annotations

from typing import Any

import httpx
from arq.connections import ArqRedis
from fastapi import FastAPI
from notify_factories import ROBOT_KEY, robot_and_police
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col
from structlog.testing import capture_logs

from notify.channels import open_senders
from notify.config import WECOM_PRODUCTION_BASE_URL, NotifySettings
from notify.jobs import send_message
from notify.messages.delivery import Dispatcher
from notify.messages.models import Delivery
from notify.redaction import redact_robot_keys
from pingan_shared.contracts.messages import Channel
from pingan_shared.testing.fake_wecom import FakeWeComRobot

SECRET = "a-production-secret-of-more-than-32-characters"


async def test_in_development_without_a_base_url_everything_goes_to_the_log(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
    connection: AsyncConnection,
    session: AsyncSession,
    settings: NotifySettings,
    robot: FakeWeComRobot,
    queue: ArqRedis,
) -> None:
    development = settings.model_copy(update={"wecom_base_url": None, "environment": "development"})
    async with open_senders(development) as senders:
        assert set(senders) == {Channel.log}
        dispatcher = Dispatcher(app_and_client[0].state.database, senders, development)
        with capture_logs() as logs:
            result = await send_message(
                {"dispatcher": dispatcher, "redis": queue, "job_try": 1}, robot_and_police()
            )

    assert result["sent"] == 2
    channels = (await session.execute(select(col(Delivery.channel)))).scalars().all()
    assert sorted(channels) == [Channel.log, Channel.log]
    logged = [entry for entry in logs if entry["event"] == "message_logged"]
    assert len(logged) == 2
    assert "南街社区" in logged[0]["content"]
    assert ROBOT_KEY not in repr(logs)
    assert "13912345678" not in repr(logs)  # the phone in the description is masked
    assert robot.calls == 0


def test_production_defaults_to_the_real_wecom_endpoint() -> None:
    production = NotifySettings(environment="production", jwt_secret=SECRET)
    assert production.wecom_base_url == WECOM_PRODUCTION_BASE_URL
    assert NotifySettings(environment="development").wecom_base_url is None


def test_robot_keys_are_redacted_from_library_log_lines() -> None:
    line: dict[str, Any] = {"recipients": [{"name": "群", "wecom_robot_key": ROBOT_KEY}]}
    assert ROBOT_KEY not in redact_robot_keys(repr(line))
    url = f"POST http://127.0.0.1:1/cgi-bin/webhook/send?key={ROBOT_KEY} 200"
    assert redact_robot_keys(url) == "POST http://127.0.0.1:1/cgi-bin/webhook/send?key=*** 200"
