"""Dead letters (死信): listed with their history, re-driven one by one or in bulk, each re-drive
recorded and its message's delivery job written to the outbox in the same transaction."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from notify_api_rows import T0, add_attempt, add_delivery, add_message, attempts, reread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify.jobs import DELIVER_MESSAGE_JOB
from notify.messages.models import AttemptOutcome, Delivery, DeliveryState, Message
from notify.tables import infrastructure
from pingan_shared.contracts.messages import Channel, Priority
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_READ = {"admin", "service"}
MAY_REDRIVE = {"admin"}
ADMIN = bearer("admin", sub="ops-admin")


async def dead(
    session: AsyncSession, message: Message | None = None, *, minutes: int = 0, **values: Any
) -> Delivery:
    """A delivery given up `minutes` after T0, with one failed try in its history."""
    delivery = await add_delivery(
        session,
        message or await add_message(session),
        state=DeliveryState.dead,
        attempts=3,
        failure="transient",
        last_error="http_503",
        not_before=T0 + timedelta(hours=1),
        deferred_reason="backoff",
        updated_at=T0 + timedelta(minutes=minutes),
        **values,
    )
    await add_attempt(
        session, delivery, AttemptOutcome.retryable, http_status=503, provider_code="http_503"
    )
    return delivery


async def outbox_jobs(session: AsyncSession) -> list[tuple[uuid.UUID, str, dict[str, str]]]:
    rows = (await session.execute(select(infrastructure.outbox))).all()
    return [(row.id, row.job, row.payload) for row in rows]


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_who_may_list_dead_letters(client: httpx.AsyncClient, role: str) -> None:
    response = await client.get("/v1/dead-letters", headers=bearer(role))
    assert response.status_code == (200 if role in MAY_READ else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_who_may_redrive(client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
    delivery = await dead(session)
    one = await client.post(f"/v1/deliveries/{delivery.id}/redrive", headers=bearer(role))
    bulk = await client.post("/v1/dead-letters/redrive", json={}, headers=bearer(role))
    expected = (202, 202) if role in MAY_REDRIVE else (403, 403)
    assert (one.status_code, bulk.status_code) == expected


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/dead-letters"),
        ("POST", "/v1/dead-letters/redrive"),
        ("POST", f"/v1/deliveries/{uuid.uuid4()}/redrive"),
    ],
)
async def test_no_token_is_401(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_dead_letters_are_listed_newest_first_with_their_history(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    older = await dead(session, minutes=1)
    newer = await dead(session, minutes=2)
    await add_delivery(session, await add_message(session), state=DeliveryState.failed)

    body = (await client.get("/v1/dead-letters", headers=ADMIN)).json()
    assert [d["id"] for d in body["items"]] == [str(newer.id), str(older.id)]
    first = body["items"][0]
    assert first["history"][0]["provider_code"] == "http_503"
    assert (first["failure"], first["deferred_reason"], first["source"]) == (
        "transient",
        "backoff",
        "incidents",
    )
    assert "target" not in first
    assert "13800001111" not in str(body)


async def test_dead_letters_are_filtered_and_paged(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    wanted = [
        await dead(session, await add_message(session, source="assessment"), minutes=m)
        for m in (10, 20, 30)
    ]
    await dead(session, minutes=25)  # another source
    await dead(
        session,
        await add_message(session, source="assessment"),
        minutes=15,
        channel=Channel.tencent_sms,
    )
    query = {
        "source": "assessment",
        "channel": "aliyun_sms",
        "from": (T0 + timedelta(minutes=10)).isoformat(),
        "to": (T0 + timedelta(minutes=30)).isoformat(),
        "limit": "1",
    }
    first = (await client.get("/v1/dead-letters", params=query, headers=ADMIN)).json()
    second = (
        await client.get(
            "/v1/dead-letters", params={**query, "cursor": first["next_cursor"]}, headers=ADMIN
        )
    ).json()
    assert [d["id"] for d in first["items"] + second["items"]] == [
        str(wanted[1].id),
        str(wanted[0].id),
    ]
    assert second["next_cursor"] is None


async def test_redriving_queues_the_delivery_afresh_and_its_message_through_the_outbox(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session, priority=Priority.critical)
    delivery = await dead(session, message, lease_until=T0)
    response = await client.post(f"/v1/deliveries/{delivery.id}/redrive", headers=ADMIN)

    assert response.status_code == 202, response.text
    shown = response.json()
    assert (shown["state"], shown["attempts"], shown["history"][-1]["note"]) == (
        "queued",
        0,
        "redriven by ops-admin",
    )
    requeued = await reread(session, delivery.id)
    assert (
        requeued.state,
        requeued.attempts,
        requeued.not_before,
        requeued.failure,
        requeued.deferred_reason,
        requeued.lease_until,
    ) == (DeliveryState.queued, 0, None, None, None, None)
    assert [a.note for a in await attempts(session, delivery.id)] == [None, "redriven by ops-admin"]
    [(_, job, payload)] = await outbox_jobs(session)
    assert (job, payload) == (
        DELIVER_MESSAGE_JOB,
        {"message_id": str(message.id), "priority": "critical"},
    )


async def test_each_redrive_is_a_new_job(client: httpx.AsyncClient, session: AsyncSession) -> None:
    delivery = await dead(session)
    await client.post(f"/v1/deliveries/{delivery.id}/redrive", headers=ADMIN)
    # It dies again, and is re-driven again.
    requeued = await reread(session, delivery.id)
    requeued.state = DeliveryState.dead
    await session.flush()
    again = await client.post(f"/v1/deliveries/{delivery.id}/redrive", headers=ADMIN)

    assert again.status_code == 202
    jobs = await outbox_jobs(session)
    assert len({row_id for row_id, _, _ in jobs}) == 2


@pytest.mark.parametrize(
    "state",
    [DeliveryState.queued, DeliveryState.sending, DeliveryState.sent, DeliveryState.delivered],
)
async def test_only_dead_or_failed_deliveries_can_be_redriven(
    client: httpx.AsyncClient, session: AsyncSession, state: DeliveryState
) -> None:
    delivery = await add_delivery(session, await add_message(session), state=state)
    response = await client.post(f"/v1/deliveries/{delivery.id}/redrive", headers=ADMIN)

    assert response.status_code == 409
    assert state.value in response.json()["detail"]
    assert (await reread(session, delivery.id)).state == state
    assert await outbox_jobs(session) == []


async def test_a_failed_delivery_can_be_redriven(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    delivery = await add_delivery(
        session, await add_message(session), state=DeliveryState.failed, failure="permanent"
    )
    response = await client.post(f"/v1/deliveries/{delivery.id}/redrive", headers=ADMIN)
    assert (response.status_code, response.json()["state"]) == (202, "queued")


async def test_a_delivery_another_channel_took_over_is_not_redriven(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session)
    failed = await add_delivery(session, message, state=DeliveryState.failed)
    await add_delivery(
        session,
        message,
        channel=Channel.tencent_sms,
        state=DeliveryState.sent,
        fallback_from=failed.id,
    )
    one = await client.post(f"/v1/deliveries/{failed.id}/redrive", headers=ADMIN)
    assert one.status_code == 409
    assert (await reread(session, failed.id)).state == DeliveryState.failed


async def test_redriving_nothing_there_is_404_and_a_bad_id_422(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.post(f"/v1/deliveries/{uuid.uuid4()}/redrive", headers=ADMIN)
    bad = await client.post("/v1/deliveries/not-an-id/redrive", headers=ADMIN)
    assert missing.status_code == 404
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "path.delivery_id")


async def test_bulk_redrive_takes_the_newest_matching_dead_letters_up_to_the_limit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session, source="assessment")
    oldest = await dead(session, message, minutes=1)
    middle = await dead(session, message, minutes=2, index=1, target="13900002222")
    newest = await dead(session, await add_message(session, source="assessment"), minutes=3)
    other_source = await dead(session, minutes=4)
    response = await client.post(
        "/v1/dead-letters/redrive", json={"source": "assessment", "limit": 2}, headers=ADMIN
    )

    assert response.status_code == 202, response.text
    assert response.json() == {"redriven": 2, "messages": 2}
    states = {d.id: (await reread(session, d.id)).state for d in (oldest, middle, newest)}
    assert states == {
        oldest.id: DeliveryState.dead,
        middle.id: DeliveryState.queued,
        newest.id: DeliveryState.queued,
    }
    assert (await reread(session, other_source.id)).state == DeliveryState.dead
    payloads = sorted(p["message_id"] for _, _, p in await outbox_jobs(session))
    assert payloads == sorted([str(message.id), str(newest.message_id)])


async def test_bulk_redrive_leaves_dead_letters_another_channel_took_over(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session)
    given_up = await dead(session, message)
    await add_delivery(session, message, channel=Channel.tencent_sms, state=DeliveryState.delivered)
    response = await client.post("/v1/dead-letters/redrive", json={}, headers=ADMIN)

    assert response.json() == {"redriven": 0, "messages": 0}
    assert (await reread(session, given_up.id)).state == DeliveryState.dead


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"limit": 0}, "body.limit"),
        ({"limit": 1001}, "body.limit"),
        ({"channels": ["pigeon"]}, "body.channels.0"),
        ({"from": "2026-11-28T10:00:00"}, "body.from"),
        ({"from": "2026-11-28T10:00:00+08:00", "to": "2026-11-28T09:00:00+08:00"}, "body.from"),
        ({"state": "failed"}, "body.state"),
    ],
)
async def test_a_bulk_redrive_that_does_not_fit_is_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.post("/v1/dead-letters/redrive", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("channel=pigeon", "query.channel.0"),
        ("from=2026-11-28T10:00:00", "query.from"),
        ("from=2026-11-28T10:00:00%2B08:00&to=2026-11-28T10:00:00%2B08:00", "query.from"),
        ("cursor=bm90LWEtY3Vyc29y", "query.cursor"),
        ("limit=0", "query.limit"),
    ],
)
async def test_a_dead_letter_query_that_does_not_fit_is_422_naming_the_field(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/v1/dead-letters?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
