"""Recipients' preferences (接收偏好): who may set them, versions, addresses, and what the
delivery engine then reads."""

from __future__ import annotations

from datetime import time

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.recipients import preferences_of
from pingan_shared.contracts.messages import Channel
from pingan_shared.db import driver_connection
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_EDIT = {"admin", "service"}
MAY_LIST = {"admin"}
ADMIN = bearer("admin")
SERVICE = bearer("service", sub="incidents")
PHONE = "13800001111"
BODY = {
    "channels": ["wecom_app", "tencent_sms"],
    "quiet_start": "23:00",
    "quiet_end": "06:30",
    "opt_out_routine": True,
}


async def put(
    client: httpx.AsyncClient,
    address: str = PHONE,
    body: dict[str, object] | None = None,
    if_match: str | None = None,
) -> httpx.Response:
    headers = {**ADMIN, **({"If-Match": if_match} if if_match is not None else {})}
    return await client.put(f"/v1/preferences/{address}", json=body or BODY, headers=headers)


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_who_may_set_read_and_remove_preferences(
    client: httpx.AsyncClient, role: str
) -> None:
    headers = bearer(role)
    created = await client.put(f"/v1/preferences/{PHONE}", json=BODY, headers=headers)
    read = await client.get(f"/v1/preferences/{PHONE}", headers=headers)
    removed = await client.delete(f"/v1/preferences/{PHONE}", headers=headers)
    expected = (201, 200, 204) if role in MAY_EDIT else (403, 403, 403)
    assert (created.status_code, read.status_code, removed.status_code) == expected


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_who_may_list_preferences(client: httpx.AsyncClient, role: str) -> None:
    response = await client.get("/v1/preferences", headers=bearer(role))
    assert response.status_code == (200 if role in MAY_LIST else 403)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_no_token_is_401(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, f"/v1/preferences/{PHONE}", json=BODY)
    assert response.status_code == 401


async def test_preferences_are_created_then_replaced_only_at_the_version_read(
    client: httpx.AsyncClient,
) -> None:
    created = await put(client)
    assert created.status_code == 201, created.text
    assert (created.headers["ETag"], created.headers["Location"]) == (
        '"1"',
        f"/v1/preferences/{PHONE}",
    )
    assert created.json()["quiet_start"] == "23:00:00"

    changed = {**BODY, "opt_out_routine": False}
    assert (await put(client, body=changed)).status_code == 428
    assert (await put(client, body=changed, if_match='"7"')).status_code == 412
    replaced = await put(client, body=changed, if_match='"1"')
    assert replaced.status_code == 200
    assert (replaced.json()["version"], replaced.json()["opt_out_routine"]) == (2, False)
    assert (await put(client, body=BODY, if_match='"1"')).status_code == 412

    read = await client.get(f"/v1/preferences/{PHONE}", headers=SERVICE)
    assert (read.headers["ETag"], read.json()["channels"]) == ('"2"', ["wecom_app", "tencent_sms"])


async def test_if_match_where_nothing_is_kept_is_412(client: httpx.AsyncClient) -> None:
    assert (await put(client, if_match='"1"')).status_code == 412


async def test_removing_checks_the_version_when_sent_and_defaults_apply_again(
    client: httpx.AsyncClient,
) -> None:
    await put(client)
    stale = await client.delete(f"/v1/preferences/{PHONE}", headers={**ADMIN, "If-Match": '"3"'})
    removed = await client.delete(f"/v1/preferences/{PHONE}", headers={**ADMIN, "If-Match": '"1"'})
    again = await client.delete(f"/v1/preferences/{PHONE}", headers=ADMIN)
    read = await client.get(f"/v1/preferences/{PHONE}", headers=ADMIN)
    assert (stale.status_code, removed.status_code, again.status_code) == (412, 204, 404)
    assert read.status_code == 404
    assert read.json()["type"].endswith("/not-found")


@pytest.mark.parametrize("spelled", ["+8613800001111", "8613800001111", "0086 138-0000-1111"])
async def test_a_phone_is_kept_as_its_eleven_digits(
    client: httpx.AsyncClient, spelled: str
) -> None:
    created = await put(client, spelled)
    assert (created.status_code, created.json()["address"]) == (201, PHONE)
    assert (await client.get(f"/v1/preferences/{PHONE}", headers=ADMIN)).status_code == 200


@pytest.mark.parametrize(
    "address", ["wx-zhangsan", "oAbC_123-xyz987654321012345678", "li.wei@town"]
)
async def test_wecom_user_ids_and_openids_are_kept_as_given(
    client: httpx.AsyncClient, address: str
) -> None:
    created = await put(client, address)
    assert (created.status_code, created.json()["address"]) == (201, address)


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("12345678901", "invalid_phone"),
        ("+4412345678901", "invalid_phone"),
        ("13800001111222", "invalid_phone"),
        ("张三", "invalid_address"),
        ("a b", "invalid_address"),
        ("x" * 65, "invalid_address"),
    ],
)
async def test_an_address_that_is_no_phone_user_id_or_openid_is_422(
    client: httpx.AsyncClient, address: str, code: str
) -> None:
    response = await put(client, address)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("path.address", code)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channels": ["aliyun_sms", "aliyun_sms"]}, "body.channels"),
        ({"channels": ["pigeon"]}, "body.channels.0"),
        ({"channels": []}, "body.channels"),
        ({"quiet_start": "23:00", "quiet_end": None}, "body.quiet_end"),
        ({"quiet_start": None, "quiet_end": "06:00"}, "body.quiet_end"),
        ({"quiet_start": "23:00", "quiet_end": "23:00"}, "body.quiet_end"),
        ({"quiet_start": "23:00+08:00"}, "body.quiet_start"),
        ({"quiet_start": "23:00:30"}, "body.quiet_start"),
        ({"quiet_start": "25:00"}, "body.quiet_start"),
        ({"opt_out_routine": "sometimes"}, "body.opt_out_routine"),
        ({"priority": "critical"}, "body.priority"),
    ],
)
async def test_preferences_that_do_not_fit_are_422_naming_the_field(
    client: httpx.AsyncClient, changes: dict[str, object], field: str
) -> None:
    response = await put(client, body={**BODY, **changes})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_window_while_quiet_hours_are_off_is_refused_on_both_ends(
    client: httpx.AsyncClient,
) -> None:
    response = await put(client, body={**BODY, "quiet_hours": False})
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["body.quiet_start", "body.quiet_end"]


async def test_quiet_hours_off_and_default_windows(client: httpx.AsyncClient) -> None:
    off = await put(client, "wx-off", {"quiet_hours": False})
    default = await put(client, "wx-default", {"channels": None})
    assert (off.json()["quiet_hours"], off.json()["quiet_start"]) == (False, None)
    assert (default.json()["quiet_hours"], default.json()["quiet_start"]) == (True, None)
    assert default.json()["channels"] is None


async def test_the_delivery_engine_reads_what_was_set(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await put(client, "+8613800001111")
    connection = await driver_connection(session)
    found = await preferences_of(connection, [{"phone": PHONE, "wecom_user_id": "wx-li"}], [0])

    kept = found[0]
    assert kept.channels == [Channel.wecom_app, Channel.tencent_sms]
    assert (kept.quiet_start, kept.quiet_end, kept.opt_out_routine) == (
        time(23, 0),
        time(6, 30),
        True,
    )


async def test_preferences_are_listed_in_address_order_page_by_page(
    client: httpx.AsyncClient,
) -> None:
    for address in ("wx-b", "13900002222", "wx-a"):
        await put(client, address)
    first = (await client.get("/v1/preferences?limit=2", headers=ADMIN)).json()
    second = (
        await client.get(f"/v1/preferences?limit=2&cursor={first['next_cursor']}", headers=ADMIN)
    ).json()
    assert [p["address"] for p in first["items"] + second["items"]] == [
        "13900002222",
        "wx-a",
        "wx-b",
    ]
    assert second["next_cursor"] is None


async def test_a_cursor_this_service_did_not_issue_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/preferences?cursor=WzEsMl0", headers=ADMIN)  # [1,2]
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.cursor"
