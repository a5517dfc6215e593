"""`GET /v1/deliveries` and `GET /v1/deliveries/counts`: filters, pages, counts per state and
channel, what is shown and what never is."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from notify_api_rows import T0, add_delivery, add_message
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.models import DeliveryState
from pingan_shared.contracts.messages import Channel, Priority
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_READ = {"admin", "service"}
ADMIN = bearer("admin")


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", ["/v1/deliveries", "/v1/deliveries/counts"])
async def test_who_may_read_deliveries(client: httpx.AsyncClient, role: str, path: str) -> None:
    response = await client.get(path, headers=bearer(role))
    assert response.status_code == (200 if role in MAY_READ else 403)


@pytest.mark.parametrize("path", ["/v1/deliveries", "/v1/deliveries/counts"])
async def test_no_token_is_401(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_a_listed_delivery_shows_its_message_and_state_but_never_its_target(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session, priority=Priority.critical, source="incidents")
    original = await add_delivery(
        session, message, state=DeliveryState.failed, failure="permanent", created_at=T0
    )
    await add_delivery(
        session,
        message,
        channel=Channel.tencent_sms,
        state=DeliveryState.sent,
        fallback_from=original.id,
        quiet_bypass=True,
        opt_out_override=True,
        created_at=T0 + timedelta(minutes=1),
    )
    body = (await client.get("/v1/deliveries", headers=ADMIN)).json()

    assert "13800001111" not in str(body)
    fallback, first = body["items"]
    assert "target" not in fallback
    assert (fallback["message_id"], fallback["priority"], fallback["source"]) == (
        str(message.id),
        "critical",
        "incidents",
    )
    assert (fallback["fallback_from"], fallback["quiet_bypass"], fallback["opt_out_override"]) == (
        str(original.id),
        True,
        True,
    )
    assert (first["failure"], first["address"], first["history"]) == (
        "permanent",
        "138****1111",
        None,
    )


async def test_deliveries_are_filtered_by_state_channel_recipient_source_and_period(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    assessment = await add_message(session, source="assessment")
    incidents = await add_message(session, source="incidents")
    wanted = await add_delivery(
        session, assessment, state=DeliveryState.failed, created_at=T0 + timedelta(minutes=5)
    )
    dead = await add_delivery(
        session,
        assessment,
        index=1,
        state=DeliveryState.dead,
        created_at=T0 + timedelta(minutes=6),
    )
    await add_delivery(session, incidents, state=DeliveryState.failed, created_at=T0)
    await add_delivery(
        session,
        assessment,
        index=2,
        target="13900002222",
        state=DeliveryState.failed,
        created_at=T0 + timedelta(minutes=5),
    )
    await add_delivery(
        session,
        assessment,
        channel=Channel.wecom_app,
        target="wx-li",
        state=DeliveryState.failed,
        created_at=T0 + timedelta(minutes=5),
    )
    await add_delivery(
        session, assessment, index=3, state=DeliveryState.failed, created_at=T0 + timedelta(hours=2)
    )
    query = {
        "state": ["failed", "dead"],
        "channel": "aliyun_sms",
        "recipient": "13800001111",
        "source": "assessment",
        "from": at(0),
        "to": at(60),
    }
    body = (await client.get("/v1/deliveries", params=query, headers=ADMIN)).json()
    assert [d["id"] for d in body["items"]] == [str(dead.id), str(wanted.id)]

    by_user = await client.get("/v1/deliveries", params={"recipient": "wx-li"}, headers=ADMIN)
    assert [d["channel"] for d in by_user.json()["items"]] == ["wecom_app"]


async def test_deliveries_are_paged_newest_first(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session)
    made = [
        await add_delivery(session, message, index=i, created_at=T0 + timedelta(minutes=i))
        for i in range(5)
    ]
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(3):
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/deliveries", params=params, headers=ADMIN)).json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [str(d.id) for d in reversed(made)]
    assert cursor is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=lost", "query.state.0"),
        ("channel=pigeon", "query.channel.0"),
        ("recipient=", "query.recipient"),
        ("from=2026-11-28T10:00:00", "query.from"),
        ("to=yesterday", "query.to"),
        ("from=2026-11-28T11:00:00Z&to=2026-11-28T10:00:00Z", "query.from"),
        ("cursor=WyJ4IiwieSJd", "query.cursor"),  # ["x","y"]
        ("limit=501", "query.limit"),
    ],
)
async def test_a_list_query_that_does_not_fit_is_422_naming_the_field(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/v1/deliveries?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_counts_per_state_and_channel_for_a_period(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    assessment = await add_message(session, source="assessment")
    incidents = await add_message(session, source="incidents")
    rows = [
        (assessment, 0, Channel.aliyun_sms, DeliveryState.sent, 1),
        (assessment, 1, Channel.aliyun_sms, DeliveryState.sent, 2),
        (assessment, 2, Channel.aliyun_sms, DeliveryState.failed, 3),
        (assessment, 0, Channel.tencent_sms, DeliveryState.delivered, 4),
        (incidents, 0, Channel.aliyun_sms, DeliveryState.sent, 5),
        (incidents, 1, Channel.aliyun_sms, DeliveryState.sent, 90),  # after the period
    ]
    for message, index, channel, state, minutes in rows:
        await add_delivery(
            session,
            message,
            index=index,
            channel=channel,
            state=state,
            created_at=T0 + timedelta(minutes=minutes),
        )
    period = {"from": at(0), "to": at(60)}

    every = (await client.get("/v1/deliveries/counts", params=period, headers=ADMIN)).json()
    assert every["total"] == 5
    assert every["counts"] == [
        {"state": "sent", "channel": "aliyun_sms", "count": 3},
        {"state": "delivered", "channel": "tencent_sms", "count": 1},
        {"state": "failed", "channel": "aliyun_sms", "count": 1},
    ]
    one_source = await client.get(
        "/v1/deliveries/counts", params={**period, "source": "assessment"}, headers=ADMIN
    )
    assert (one_source.json()["total"], one_source.json()["source"]) == (4, "assessment")


async def test_counts_default_to_the_last_day(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session)
    await add_delivery(session, message)  # recorded now
    await add_delivery(session, message, index=1, created_at=T0 - timedelta(days=400))
    body = (await client.get("/v1/deliveries/counts", headers=ADMIN)).json()
    assert body["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-11-28T10:00:00Z&to=2026-11-28T10:00:00Z", "query.from"),
        ("to=2026-11-28T10:00:00", "query.to"),
        ("source=" + "x" * 101, "query.source"),
    ],
)
async def test_a_counts_query_that_does_not_fit_is_422(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/v1/deliveries/counts?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_message_read_shows_the_delivery_engine_fields(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await add_message(session)
    await add_delivery(
        session,
        message,
        state=DeliveryState.queued,
        not_before=T0,
        deferred_reason="quiet_hours",
        digest_id=uuid.uuid4(),
    )
    shown = (await client.get(f"/v1/messages/{message.id}", headers=ADMIN)).json()
    [delivery] = shown["deliveries"]
    assert (delivery["deferred_reason"], delivery["not_before"]) == (
        "quiet_hours",
        "2026-11-28T12:00:00Z",
    )
    assert delivery["digest_id"] is not None
    assert "target" not in delivery
