"""Follow-up of focus problems (跟踪督办): the owner is reminded 14 and 3 days before the target
date, each reminder once; an unsolved problem turns overdue and is escalated up the area tree,
one level per 30 days; resolved problems are left alone."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from incidents_factories import COUNTY, NANJIE, TOWN, seed_areas
from incidents_workflow import messages
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.areas.models import Contact, ContactRole
from incidents.focus.follow_up import follow_up_batch
from incidents.focus.jobs import CRON_JOBS, follow_up_focus_problems
from incidents.focus.models import FocusProblem, FocusReminder, FocusSource, FocusStatus
from incidents.focus.rules import local_midnight, local_today
from pingan_shared.testing import bearer

TARGET = date(2027, 2, 28)


def noon(day: date) -> datetime:
    """Noon of a local day."""
    return local_midnight(day) + timedelta(hours=12)


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)
    session.add(
        Contact(
            area_code=COUNTY,
            name="县综治中心",
            role=ContactRole.duty_robot,
            wecom_robot_key="county",
        )
    )
    await session.flush()


async def _problem(session: AsyncSession, **overrides: Any) -> FocusProblem:
    fields: dict[str, Any] = {
        "title": "南街夜间电动车被盗",
        "source": FocusSource.area.value,
        "area_code": NANJIE,
        "owner_name": "王所长",
        "owner_phone": "13900002222",
        "target_date": TARGET,
        "created_by": "leader-1",
        **overrides,
    }
    problem = FocusProblem(**fields)
    session.add(problem)
    await session.flush()
    await session.refresh(problem)
    return problem


async def _texts(session: AsyncSession) -> list[tuple[str, str, list[dict[str, Any]]]]:
    return [
        (m["message_key"], m["params"]["text"], m["recipients"])
        for m in await messages(session, "generic_text")
    ]


async def test_the_owner_is_reminded_14_and_3_days_before_each_once(session: AsyncSession) -> None:
    problem = await _problem(session)
    assert (await follow_up_batch(session, now=noon(TARGET - timedelta(days=20)))).reminded == 0
    assert (await follow_up_batch(session, now=noon(TARGET - timedelta(days=14)))).reminded == 1
    assert (await follow_up_batch(session, now=noon(TARGET - timedelta(days=13)))).reminded == 0
    assert (await follow_up_batch(session, now=noon(TARGET - timedelta(days=2)))).reminded == 1
    assert (await follow_up_batch(session, now=noon(TARGET))).reminded == 0
    sent = await _texts(session)
    assert [key for key, _, _ in sent] == [
        f"focus-due:{problem.id}:2027-02-28:14",
        f"focus-due:{problem.id}:2027-02-28:3",
    ]
    assert sent[1][1] == (
        "【突出问题提醒】南街社区“南街夜间电动车被盗”整改期限为2027-02-28，还剩2天（责任人：王所长）。"
        "请落实整治措施，并在系统中录入已采取的措施。"
    )
    assert sent[0][2] == [
        {
            "name": "王所长",
            "phone": "13900002222",
            "wecom_user_id": None,
            "openid": None,
            "wecom_robot_key": None,
        }
    ]


async def test_a_duty_contact_owner_is_reached_at_the_contacts_address(
    session: AsyncSession,
) -> None:
    officer = (
        await session.execute(select(Contact).where(col(Contact.name) == "李警官"))
    ).scalar_one()
    await _problem(session, owner_name=None, owner_phone=None, owner_contact_id=officer.id)
    await follow_up_batch(session, now=noon(TARGET - timedelta(days=3)))
    [(_, text, recipients)] = await _texts(session)
    assert "责任人：李警官" in text
    assert [r["phone"] for r in recipients] == ["13800001111"]


async def test_an_overdue_problem_escalates_up_the_tree_once_per_level(
    session: AsyncSession,
) -> None:
    problem = await _problem(session)
    assert (await follow_up_batch(session, now=noon(TARGET))).escalated == 0
    assert (await follow_up_batch(session, now=noon(TARGET + timedelta(days=1)))).escalated == 1
    await session.refresh(problem)
    assert (problem.status, problem.escalation_level, problem.version) == ("overdue", 1, 3)
    assert (await follow_up_batch(session, now=noon(TARGET + timedelta(days=5)))).escalated == 0
    assert (await follow_up_batch(session, now=noon(TARGET + timedelta(days=31)))).escalated == 1
    assert (await follow_up_batch(session, now=noon(TARGET + timedelta(days=400)))).escalated == 0
    escalations = [
        (key, [r["wecom_robot_key"] for r in recipients])
        for key, _, recipients in await _texts(session)
        if key.startswith("focus-escalated")
    ]
    assert escalations == [
        (f"focus-escalated:{problem.id}:2027-02-28:1", ["town-key"]),
        (f"focus-escalated:{problem.id}:2027-02-28:2", ["county"]),
    ]
    rows = (
        await session.execute(
            select(col(FocusReminder.step), col(FocusReminder.area_code)).where(
                col(FocusReminder.kind) == "escalated"
            )
        )
    ).all()
    assert sorted(rows) == [(1, TOWN), (2, COUNTY)]
    text = next(text for key, text, _ in await _texts(session) if "escalated" in key)
    assert text.startswith(
        "【突出问题督办】南街社区“南街夜间电动车被盗”已超过整改期限（2027-02-28）1天"
    )


async def test_resolved_problems_are_left_alone(session: AsyncSession) -> None:
    await _problem(session, status=FocusStatus.resolved.value, resolution="已解决")
    batch = await follow_up_batch(session, now=noon(TARGET + timedelta(days=3)))
    assert (batch.looked_at, batch.reminded, batch.escalated) == (0, 0, 0)
    assert await _texts(session) == []


async def test_a_new_target_date_restarts_the_follow_up(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    problem = await _problem(session, target_date=local_today() - timedelta(days=2))
    await follow_up_batch(session)
    await session.refresh(problem)
    assert problem.status == "overdue"
    new_target = local_today() + timedelta(days=60)
    response = await client.patch(
        f"/v1/focus-problems/{problem.id}",
        json={"target_date": new_target.isoformat()},
        headers={**bearer("leader", areas=[NANJIE]), "If-Match": str(problem.version)},
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["escalation_level"]) == ("open", 0)


async def test_the_cron_job_walks_every_batch(
    app_and_client: tuple[FastAPI, httpx.AsyncClient], session: AsyncSession
) -> None:
    for n in range(3):
        await _problem(session, title=f"问题{n}", target_date=local_today() + timedelta(days=1))
    ctx = {"database": app_and_client[0].state.database}
    assert await follow_up_focus_problems(ctx) == 3
    assert await follow_up_focus_problems(ctx) == 0
    assert [job.name for job in CRON_JOBS] == ["follow_up_focus_problems"]
    ids = {uuid.UUID(key.split(":")[1]) for key, _, _ in await _texts(session)}
    assert len(ids) == 3


def test_the_incidents_worker_runs_the_follow_up_hourly() -> None:
    from incidents.worker import WorkerSettings

    [job] = [j for j in WorkerSettings.cron_jobs if j.name == "follow_up_focus_problems"]
    assert job.minute == {40}
