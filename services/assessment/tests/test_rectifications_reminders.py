"""Following rectifications through: reminders 3 days and 1 day before the deadline, escalation
to the unit's leaders the day after it, each sent once through the outbox; the worker's jobs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.follow_up import follow_up_rectifications
from assessment.inspections.jobs import remind_rectifications
from assessment.inspections.models import Rectification
from assessment.worker import WorkerSettings

from .assessment_inspections_data import (
    OFFICE,
    World,
    confirm,
    make_world,
    messages,
    record,
)
from .factories import create_unit


async def _open(
    client: httpx.AsyncClient, world: World, days: int, unit: str = "school", **overrides: Any
) -> str:
    inspection = await record(client, world, unit_id=world.units[unit]["id"], **overrides)
    if inspection["sealed"]:
        inspection = (
            await client.get(f"/v1/inspections/{inspection['id']}", headers=OFFICE)
        ).json()
    response = await confirm(client, inspection["findings"][0]["id"], days=days)
    assert response.status_code == 200, response.text
    listed = await client.get(
        f"/v1/rectifications?unit_id={world.units[unit]['id']}", headers=OFFICE
    )
    rectification_id: str = listed.json()["items"][-1]["id"]
    return rectification_id


def _in(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


async def _keys(session: AsyncSession, rectification_id: str) -> list[str]:
    return sorted(
        m["message_key"].split(":")[0]
        for m in await messages(session)
        if m["message_key"].endswith(rectification_id)
    )


async def _row(session: AsyncSession, rectification_id: str) -> Rectification:
    row = await session.get(Rectification, uuid.UUID(rectification_id))
    assert row is not None
    await session.refresh(row)
    return row


async def test_reminded_three_days_and_one_day_before_then_escalated(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    rectification_id = await _open(client, world, days=5)
    assert (await follow_up_rectifications(session)).sent == 0  # five days left: too early
    assert (await follow_up_rectifications(session, now=_in(2))).sent == 1
    assert (await follow_up_rectifications(session, now=_in(2))).sent == 0  # once
    assert (await follow_up_rectifications(session, now=_in(3))).sent == 0  # 2 days left
    assert (await follow_up_rectifications(session, now=_in(4))).sent == 1
    assert (await follow_up_rectifications(session, now=_in(5))).sent == 0  # the deadline day
    assert (await _row(session, rectification_id)).status == "open"
    assert (await follow_up_rectifications(session, now=_in(6))).sent == 1
    assert (await follow_up_rectifications(session, now=_in(40))).sent == 0
    row = await _row(session, rectification_id)
    assert row.status == "overdue"
    assert row.reminded == ["due-3", "due-1", "escalated"]
    keys = await _keys(session, rectification_id)
    assert keys == [
        "rectification-due-1",
        "rectification-due-3",
        "rectification-escalated",
        "rectification-opened",
    ]
    by_key = {m["message_key"].split(":")[0]: m for m in await messages(session)}
    reminder = by_key["rectification-due-3"]
    assert reminder["recipients"][0]["phone"] == "13812345678"  # the school's contact
    assert "还剩3天" in reminder["params"]["text"]
    escalation = by_key["rectification-escalated"]
    # The school has no parent unit: the Nanjie community committee's contact hears of it.
    assert [r["name"] for r in escalation["recipients"]] == ["王主任"]
    assert escalation["priority"] == "urgent"
    assert "整改督办" in escalation["params"]["text"]


async def test_escalation_goes_to_the_parent_unit_first(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    world.units["annex"] = await create_unit(
        client,
        name="禄劝县第一中学分校",
        parent_unit_id=world.units["school"]["id"],
        contact={"name": "分校联系人", "phone": "13700000000"},
    )
    rectification_id = await _open(client, world, days=1, unit="annex")
    assert (await follow_up_rectifications(session, now=_in(2))).sent == 1
    [escalation] = [
        m
        for m in await messages(session)
        if m["message_key"] == f"rectification-escalated:{rectification_id}"
    ]
    assert [r["name"] for r in escalation["recipients"]] == ["张丽"]  # the school's contact


async def test_a_short_deadline_gets_only_the_nearest_reminder(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    rectification_id = await _open(client, world, days=1)
    assert (await follow_up_rectifications(session)).sent == 1
    assert (await _row(session, rectification_id)).reminded == ["due-1"]


async def test_answered_and_sealed_rectifications_are_left_alone(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    answered = await _open(client, world, days=1)
    version = (await _row(session, answered)).version
    response = await client.post(
        f"/v1/rectifications/{answered}/answer",
        json={"answer": "已整改"},
        headers={**world.unit_token("school"), "If-Match": f'"{version}"'},
    )
    assert response.status_code == 200, response.text
    sealed = await _open(client, world, days=1, unit="compound", kind="covert")
    assert (await follow_up_rectifications(session, now=_in(3))).sent == 0
    assert (await _row(session, answered)).status == "answered"
    assert (await _row(session, sealed)).reminded == []


async def test_the_worker_job_runs_in_batches(
    client: httpx.AsyncClient,
    session: AsyncSession,
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    world = await make_world(session, client)
    await _open(client, world, days=3)
    await _open(client, world, days=1, unit="compound")
    ctx = {"database": app_and_client[0].state.database}
    assert await remind_rectifications(ctx) == 2
    assert await remind_rectifications(ctx) == 0


def test_the_worker_runs_the_jobs_hourly() -> None:
    names = {job.name for job in WorkerSettings.cron_jobs}
    assert {"remind_rectifications", "remind_inspectors"} <= names
