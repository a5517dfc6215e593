"""The thin flow through all three services, with the real processes (ARCHITECTURE.md §2).

A report posted to incidents reaches the duty group's WeCom robot (a local fake that speaks the
webhook protocol) through the outbox, Redis and the notify worker; notify shows the delivery as
sent; and assessment's incident statistics for a unit in that area count the report.
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from system import (
    SERVICES,
    System,
    create_databases,
    database_names,
    drop_databases,
    run_step,
    running,
    system_env,
)

from pingan_shared.demo_town import build_demo_town
from pingan_shared.testing import RedisServer
from pingan_shared.testing.fake_wecom import FakeWeComRobot
from pingan_shared.tokens import mint_token

pytestmark = pytest.mark.system
NANJIE = "530128100001"


@pytest.fixture(scope="module")
async def system(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[System, FakeWeComRobot]]:
    """All six processes on the demo town, with the robot channel pointed at the fake."""
    keys = {c.wecom_robot_key for c in build_demo_town().contacts if c.wecom_robot_key}
    robot = FakeWeComRobot(keys=keys)
    redis = RedisServer()
    names = database_names()
    with robot:
        redis.start()
        await create_databases(names)
        try:
            env = system_env(names, redis, {"NOTIFY_WECOM_BASE_URL": robot.url})
            for svc in SERVICES:
                run_step([sys.executable, "-m", svc, "migrate"], env)
            run_step([sys.executable, "-m", "incidents", "demo"], env)
            with running(env, tmp_path_factory.mktemp("logs")) as started:
                yield started, robot
        finally:
            redis.stop()
            await drop_databases(names)


def headers(system: System, role: str, **claims: Any) -> dict[str, str]:
    token = mint_token(
        f"system-{role}",
        [role],
        claims.pop("areas", ["530128"]),
        secret=system.env["PINGAN_JWT_SECRET"],
        **claims,
    )
    return {"Authorization": f"Bearer {token}"}


def wait_for(condition: Any, patience: float, what: str, system: System) -> Any:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {patience} s\n{system.log_tail()}")


async def test_a_report_reaches_the_duty_robot_and_the_unit_statistics(
    system: tuple[System, FakeWeComRobot],
) -> None:
    sut, robot = system
    police = headers(sut, "police", areas=[NANJIE])
    body = {
        "category": "theft",
        "description": "电动车在楼下被盗",
        "occurred_at": "2026-11-28T21:30:00+08:00",
        "location": {"lat": 25.5561, "lon": 102.4682, "address": "南街 12 号"},
        "area_code": NANJIE,
    }
    async with httpx.AsyncClient(timeout=10) as client:
        started = time.monotonic()
        created = await client.post(
            f"{sut.urls['incidents']}/v1/incidents", json=body, headers=police
        )
        assert created.status_code == 201, created.text
        incident = created.json()

        def robot_got_it() -> list[dict[str, Any]]:
            return [m for m in robot.messages if incident["title"] in str(m["body"])]

        [received] = wait_for(robot_got_it, 15, "the robot message", sut)
        print(f"\nreport → WeCom robot: {time.monotonic() - started:.2f} s")
        assert received["key"] == f"demo-{NANJIE}"
        assert received["body"]["msgtype"] == "markdown"

        key = f"incident-reported:{incident['id']}"
        service = headers(sut, "service")

        async def deliveries() -> list[dict[str, Any]]:
            found = await client.get(
                f"{sut.urls['notify']}/v1/messages", params={"message_key": key}, headers=service
            )
            assert found.status_code == 200, found.text
            [message] = found.json()["items"]
            return message["deliveries"]

        robot_delivery = [d for d in await deliveries() if d["channel"] == "wecom_robot"]
        assert [d["state"] for d in robot_delivery] == ["sent"]

        period = {"from": "2026-11-01T00:00:00+08:00", "to": "2026-12-01T00:00:00+08:00"}
        admin = headers(sut, "admin")
        direct = await client.get(
            f"{sut.urls['incidents']}/v1/statistics/incidents",
            params={"area": NANJIE, **period},
            headers=admin,
        )
        assert direct.status_code == 200, direct.text
        unit = await client.post(
            f"{sut.urls['assessment']}/v1/units",
            json={
                "kind": "institution",
                "name": "县财政局(系统测试)",
                "area_code": NANJIE,
                "contact": {"name": "张明", "phone": "13800002222"},
            },
            headers=admin,
        )
        assert unit.status_code == 201, unit.text
        stats = await client.get(
            f"{sut.urls['assessment']}/v1/units/{unit.json()['id']}/incident-stats",
            params=period,
            headers=admin,
        )
        assert stats.status_code == 200, stats.text
        assert stats.json()["total"] == direct.json()["total"] >= 1
        thefts = {c["category"]: c["count"] for c in stats.json()["by_category"]}["theft"]
        assert thefts >= 1
