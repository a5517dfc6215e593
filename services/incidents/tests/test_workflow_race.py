"""Two dispatchers racing on committed data: one wins, the other gets 412 and writes nothing.
And the timeline is append-only in the database itself."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from incidents_factories import report, seed_areas
from incidents_workflow import ADMIN, TEAM_TARGET, act, new_incident, seed_team, timeline
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.db import Database


@pytest.fixture
async def committed(
    app_and_client: tuple[FastAPI, httpx.AsyncClient],
) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    """The app writing for real, on seeded areas; everything is removed afterwards."""
    app, client = app_and_client
    database: Database = app.state.database
    async with database.session() as session:
        await seed_areas(session)
        await seed_team(session)
    try:
        yield client, database
    finally:
        async with database.session() as session:
            await session.execute(
                text("TRUNCATE incidents, contacts, areas, outbox, idempotency_keys CASCADE")
            )


async def test_two_racing_dispatchers_one_wins_the_other_gets_412(
    committed: tuple[httpx.AsyncClient, Database],
) -> None:
    client, database = committed
    created = await client.post("/v1/incidents", json=report(), headers=ADMIN)
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    accepted = await act(client, incident_id, 1, {"action": "accept"})
    assert accepted.status_code == 200, accepted.text

    other = {"kind": "police_office", "name": "南街警务室"}
    first, second = await asyncio.gather(
        act(client, incident_id, 2, {"action": "dispatch", "target": TEAM_TARGET}),
        act(client, incident_id, 2, {"action": "dispatch", "target": other}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412], (first.text, second.text)
    winner = first if first.status_code == 200 else second
    assert winner.json()["version"] == 3

    async with database.session() as session:
        entries = await timeline(session, incident_id)
        assert [e.action for e in entries] == ["report", "accept", "dispatch"]
        assert entries[-1].data["target"]["name"] == winner.json()["handling"]["target"]["name"]
        outbox = await session.execute(
            text("SELECT count(*) FROM outbox WHERE payload->>'template' = 'incident_dispatched'")
        )
        assert outbox.scalar_one() == 1


async def test_the_database_refuses_to_change_or_delete_timeline_entries(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await seed_areas(session)
    await seed_team(session)
    incident = await new_incident(client, session)
    for statement in (
        "UPDATE incident_timeline SET note = 'rewritten'",
        "DELETE FROM incident_timeline",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with session.begin_nested():
                await session.execute(text(statement))
    [entry] = await timeline(session, incident["id"])
    assert (entry.action, entry.note) == ("report", None)
