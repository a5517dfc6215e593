"""A worker killed mid-send (issue 6), with real `notify-worker` processes as the Procfile starts
them: worker A claims a delivery and calls the provider, the provider takes the message but A
dies (SIGKILL) before the answer comes back; once A's lease runs out, worker B's sweep takes the
delivery over and completes it.

These tests start processes (`system` marker): a throwaway migrated database, this run's own
Redis (not the development one), the providers' local fakes, and two workers in turn.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from arq.connections import ArqRedis
from notify_factories import PHONE, ROBOT_KEY, payload
from notify_fake_aliyun import (
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    PROVIDER_TEMPLATES,
    SIGN_NAME,
    FakeAliyunSms,
)
from notify_processes import HangingRobot, Workers, eventually, fetch, notify_env

import notify
from notify.messages.delivery import ASKED, RESENT
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB
from pingan_shared.testing import migrated_database

pytestmark = pytest.mark.system

MIGRATIONS = Path(notify.__file__).parent / "migrations"
LEASE_SECONDS = 2
# Far longer than a test: worker A is still waiting for the answer when it is killed.
PROVIDER_TIMEOUT_SECONDS = 120
HANG_SECONDS = 60  # the fakes release a held answer when they stop
ALIYUN_TEMPLATES = json.dumps(
    {ours: {"code": t.code, "params": list(t.params)} for ours, t in PROVIDER_TEMPLATES.items()}
)

DELIVERY = """
SELECT d.id, d.state::text AS state, d.attempts, d.channel::text AS channel
FROM deliveries AS d JOIN messages AS m ON m.id = d.message_id
WHERE m.message_key = $1
"""
LEASE_LAPSED = """
SELECT d.id FROM deliveries AS d JOIN messages AS m ON m.id = d.message_id
WHERE m.message_key = $1 AND d.state = 'sending' AND d.lease_until < statement_timestamp()
"""
ATTEMPTS = """
SELECT outcome::text AS outcome, provider_code, note FROM delivery_attempts
WHERE delivery_id = $1 ORDER BY id
"""


@pytest.fixture(scope="module")
async def worker_database() -> AsyncIterator[str]:
    """A notify database of this module's own, migrated to head, whose writes are committed."""
    async with migrated_database("notifykill", MIGRATIONS) as url:
        yield url


@pytest.fixture
async def jobs(queue: ArqRedis) -> AsyncIterator[ArqRedis]:
    """The run's queue, emptied before (`queue`) and after: a killed worker's job stays queued."""
    yield queue
    await queue.flushdb()


def scenario_env(database_url: str, redis_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The workers' environment: a short lease and a provider timeout longer than the test."""
    return notify_env(
        database_url,
        redis_url,
        {
            "NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
            "NOTIFY_PROVIDER_TIMEOUT_SECONDS": str(PROVIDER_TIMEOUT_SECONDS),
            **extra,
        },
    )


async def kill_mid_send(
    workers: Workers,
    queue: ArqRedis,
    database_url: str,
    message: dict[str, Any],
    provider_has_it: Callable[[], Awaitable[bool]],
) -> asyncpg.Record:
    """Start worker A, enqueue `message`, kill A once the provider has the message, wait until
    A's lease runs out, start worker B; the delivery once B has sent it."""
    key = message["message_key"]
    first = workers.start("worker-a")
    await queue.enqueue_job(SEND_MESSAGE_JOB, message, _job_id=f"outbox:{key}")
    await eventually(provider_has_it, "worker A's call reaching the provider", workers)
    first.kill()

    # B's sweep at start-up takes over deliveries whose lease has run out, so B starts after;
    # a worker already running would take it over at its next sweep (second 30 of a minute).
    async def lapsed() -> list[asyncpg.Record]:
        return await fetch(database_url, LEASE_LAPSED, key)

    await eventually(lapsed, "the lease of worker A's claim running out", workers)
    workers.start("worker-b")

    async def sent() -> asyncpg.Record | None:
        rows = await fetch(database_url, DELIVERY, key)
        return rows[0] if rows and rows[0]["state"] == "sent" else None

    return await eventually(sent, "the delivery sent by worker B", workers)


async def test_a_killed_workers_sms_is_settled_by_asking_aliyun_not_sent_twice(
    worker_database: str, redis_url: str, jobs: ArqRedis, tmp_path: Path
) -> None:
    """Aliyun can be asked (QuerySendDetails, matched on our OutId): worker B finds the SMS that
    worker A's call sent and records the delivery as sent without a second SendSms."""
    message = payload(
        message_key=f"incident-reported:killed-sms-{uuid.uuid4().hex[:8]}",
        recipients=[{"name": "李警官", "phone": PHONE}],
        channels=["aliyun_sms"],
    )
    with FakeAliyunSms() as aliyun:
        aliyun.hang_next(1, HANG_SECONDS, record=True)
        env = scenario_env(
            worker_database,
            redis_url,
            {
                "NOTIFY_ALIYUN_SMS_BASE_URL": aliyun.url,
                "NOTIFY_ALIYUN_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "NOTIFY_ALIYUN_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
                "NOTIFY_ALIYUN_SIGN_NAME": SIGN_NAME,
                "NOTIFY_ALIYUN_SMS_TEMPLATES": ALIYUN_TEMPLATES,
            },
        )

        async def aliyun_has_it() -> bool:
            return any(sms.phone == PHONE for sms in aliyun.sent)

        with Workers(env, tmp_path) as workers:
            delivery = await kill_mid_send(workers, jobs, worker_database, message, aliyun_has_it)
            actions = [r["action"] for r in aliyun.requests]
            phones = [sms.phone for sms in aliyun.sent]

    assert (delivery["channel"], delivery["state"]) == ("aliyun_sms", "sent")
    assert phones == [PHONE]
    assert actions == ["SendSms", "QuerySendDetails"]
    assert delivery["attempts"] == 2  # A's claim and B's
    attempts = await fetch(worker_database, ATTEMPTS, delivery["id"])
    # A died before it could record anything: the one attempt is B's question to Aliyun.
    assert [tuple(a) for a in attempts] == [("sent", "DELIVERED", ASKED)]


async def test_a_killed_workers_robot_message_is_sent_again_by_the_next_worker(
    worker_database: str, redis_url: str, jobs: ArqRedis, tmp_path: Path
) -> None:
    """The WeCom group robot cannot be asked what it received, so worker B sends again: the
    delivery is completed, and the robot gets the message twice (at least once, never lost),
    recorded as "sent again: the earlier call's outcome is unknown"."""
    message = payload(message_key=f"incident-reported:killed-robot-{uuid.uuid4().hex[:8]}")
    robot = HangingRobot(keys={ROBOT_KEY})
    with robot:
        robot.hang_next(1, HANG_SECONDS)
        env = scenario_env(worker_database, redis_url, {"NOTIFY_WECOM_BASE_URL": robot.url})

        async def robot_has_it() -> bool:
            return bool(robot.messages)

        with Workers(env, tmp_path) as workers:
            delivery = await kill_mid_send(workers, jobs, worker_database, message, robot_has_it)
            received = list(robot.messages)

    assert (delivery["channel"], delivery["state"]) == ("wecom_robot", "sent")
    assert len(received) == 2
    assert received[0] == received[1]
    assert received[0]["key"] == ROBOT_KEY
    attempts = await fetch(worker_database, ATTEMPTS, delivery["id"])
    assert [tuple(a) for a in attempts] == [("sent", "0", RESENT)]
