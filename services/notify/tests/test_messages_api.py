"""`/v1/messages`: who may read and send, what an answer shows and hides, idempotency."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from notify_factories import PHONE, ROBOT_KEY, payload, robot_and_police
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify.jobs import DELIVER_MESSAGE_JOB
from notify.tables import infrastructure
from pingan_shared.testing import bearer

ADMIN = bearer("admin")
SERVICE = bearer("service", sub="incidents")


async def posted(client: httpx.AsyncClient, **overrides: object) -> dict[str, object]:
    response = await client.post("/v1/messages", json=robot_and_police(**overrides), headers=ADMIN)
    assert response.status_code == 202, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer not-a-token"}, 401),
        (bearer("patrol"), 403),
        (bearer("police"), 403),
        (bearer("leader"), 403),
        (ADMIN, 200),
        (SERVICE, 200),
    ],
)
async def test_who_may_read_a_message(
    client: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    message = await posted(client)
    response = await client.get(f"/v1/messages/{message['id']}", headers=headers)
    assert response.status_code == status
    if status != 200:
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_missing_message_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/v1/messages/{uuid.uuid4()}", headers=ADMIN)
    assert response.status_code == 404
    assert response.json()["type"].endswith("/not-found")


async def test_phones_are_masked_and_robot_keys_never_appear(client: httpx.AsyncClient) -> None:
    message = await posted(client)
    response = await client.get(f"/v1/messages/{message['id']}", headers=ADMIN)

    assert ROBOT_KEY not in response.text
    assert PHONE not in response.text
    assert "13912345678" not in response.text  # a phone inside the parameters
    group, police = response.json()["deliveries"]
    assert re.fullmatch(r"robot-key:[0-9a-f]{8}", group["address"])
    assert (group["channel"], group["state"], group["attempts"]) == ("wecom_robot", "queued", 0)
    assert police["address"] == "138****1111"
    assert "target" not in group


@pytest.mark.parametrize(("headers", "status"), [(SERVICE, 202), (bearer("leader"), 403)])
async def test_who_may_send_a_message(
    client: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    response = await client.post("/v1/messages", json=payload(), headers=headers)
    assert response.status_code == status


async def test_a_posted_message_is_recorded_and_queued_through_the_outbox(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    message = await posted(client)
    jobs = (await session.execute(select(infrastructure.outbox))).all()
    assert [(j.job, j.payload) for j in jobs] == [
        (DELIVER_MESSAGE_JOB, {"message_id": message["id"], "priority": "routine"})
    ]


async def test_the_same_message_key_is_the_same_message(client: httpx.AsyncClient) -> None:
    first = await posted(client)
    again = await client.post("/v1/messages", json=robot_and_police(), headers=ADMIN)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]


async def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(
    client: httpx.AsyncClient,
) -> None:
    headers = {**SERVICE, "Idempotency-Key": "req-1"}
    first = await client.post("/v1/messages", json=payload(), headers=headers)
    replay = await client.post("/v1/messages", json=payload(), headers=headers)
    other = await client.post("/v1/messages", json=payload(message_key="another"), headers=headers)

    assert (first.status_code, replay.status_code) == (202, 202)
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"template": "no_such_template"}, "body.template"),
        ({"params": {"area": "南街社区"}}, "body.params.category"),
        ({"recipients": [{"name": "无地址"}]}, "body.recipients.0"),
    ],
)
async def test_a_message_that_does_not_fit_is_422_naming_the_field(
    client: httpx.AsyncClient, overrides: dict[str, object], field: str
) -> None:
    response = await client.post("/v1/messages", json=payload(**overrides), headers=ADMIN)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_messages_are_listed_page_by_page_and_found_by_key(
    client: httpx.AsyncClient,
) -> None:
    for n in range(3):
        await posted(client, message_key=f"notice-{n}")
    first = (await client.get("/v1/messages?limit=2", headers=ADMIN)).json()
    second = (
        await client.get(f"/v1/messages?limit=2&cursor={first['next_cursor']}", headers=ADMIN)
    ).json()
    # One transaction gives the three the same created_at, so only the set is certain here.
    keys = [m["message_key"] for m in first["items"] + second["items"]]
    assert sorted(keys) == ["notice-0", "notice-1", "notice-2"]
    assert second["next_cursor"] is None

    found = (await client.get("/v1/messages?message_key=notice-1", headers=SERVICE)).json()
    assert [m["message_key"] for m in found["items"]] == ["notice-1"]
    assert len(found["items"][0]["deliveries"]) == 2


async def test_every_operation_is_named_tagged_and_documents_its_problems(
    client: httpx.AsyncClient,
) -> None:
    schema = (await client.get("/openapi.json")).json()
    operations = {
        op["operationId"]
        for path, ops in schema["paths"].items()
        if path.startswith("/v1/")
        for op in ops.values()
    }
    assert operations == {
        "messages_create",
        "messages_get",
        "messages_list",
        "deliveries_list",
        "deliveries_counts",
        "deliveries_redrive",
        "dead_letters_list",
        "dead_letters_redrive",
        "preferences_list",
        "preferences_get",
        "preferences_put",
        "preferences_delete",
        "receipts_aliyun",
        "receipts_tencent",
    }
    for path, ops in schema["paths"].items():
        for operation in ops.values():
            assert operation.get("tags"), path
            assert operation.get("summary"), path
            # Providers' receipt callbacks carry a secret in the URL, not a token: 200 or 404.
            if path.startswith("/v1/") and not path.startswith("/v1/receipts/"):
                assert {"401", "403", "422"} <= set(operation["responses"]), path


@pytest.mark.parametrize(
    "payload",
    ['["x","y"]', '["2026-11-28T10:00:00","00000000-0000-0000-0000-000000000000"]', "[1]"],
)
async def test_a_cursor_this_service_did_not_issue_is_a_422(
    client: httpx.AsyncClient, payload: str
) -> None:
    import base64

    cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    response = await client.get(f"/v1/messages?cursor={cursor}", headers=bearer("admin"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.cursor"
