"""`POST /v1/units/import`: who may import, the caller's areas, bad files and rows as problems."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.audit.models import AuditEntry
from assessment.units import transfer_routes

from .assessment_unit_sheets import CHINESE, ENGLISH, TOWN_LIST, csv_bytes, xlsx_bytes
from .factories import ADMIN, BEIJIE, NANJIE, auth

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


async def post(
    client: httpx.AsyncClient,
    content: bytes,
    headers: dict[str, str] = ADMIN,
    media_type: str = CSV,
    query: str = "",
) -> httpx.Response:
    return await client.post(
        f"/v1/units/import{query}", content=content, headers={**headers, "Content-Type": media_type}
    )


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_import_by_role(client: httpx.AsyncClient, role: str) -> None:
    response = await post(client, csv_bytes(CHINESE, TOWN_LIST), auth(role))
    assert response.status_code == (200 if role in {"admin", "leader"} else 403), response.text


async def test_import_without_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/units/import", content=b"x", headers={"Content-Type": CSV})
    assert response.status_code == 401


async def test_imports_xlsx_and_audits_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await post(client, xlsx_bytes(ENGLISH, TOWN_LIST), media_type=XLSX)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
    }
    entry = (
        await session.execute(select(AuditEntry).where(col(AuditEntry.action) == "units.import"))
    ).scalar_one()
    assert entry.actor == "tester"
    assert entry.data["created"] == 3
    listed = (await client.get("/v1/units", headers=ADMIN)).json()["items"]
    assert len(listed) == 3
    again = await post(client, xlsx_bytes(ENGLISH, TOWN_LIST), media_type=XLSX)
    assert again.json()["unchanged"] == 3


async def test_dry_run(client: httpx.AsyncClient) -> None:
    response = await post(client, csv_bytes(CHINESE, TOWN_LIST), query="?dry_run=true")
    assert response.json()["dry_run"] is True
    assert response.json()["created"] == 3
    assert (await client.get("/v1/units", headers=ADMIN)).json()["items"] == []


async def test_rows_outside_the_callers_areas(client: httpx.AsyncClient) -> None:
    response = await post(client, csv_bytes(CHINESE, TOWN_LIST), auth("leader", areas=[BEIJIE]))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {"rows.2.区划代码", "rows.3.区划代码", "rows.4.区划代码"}
    assert {e["message"] for e in errors} == {"outside your areas"}


async def test_a_key_of_a_unit_elsewhere_is_not_the_callers(client: httpx.AsyncClient) -> None:
    assert (await post(client, csv_bytes(CHINESE, TOWN_LIST))).status_code == 200
    moved = [["xq-01", "小区", "翠屏小区", BEIJIE, "李强", "13700002222", "", ""]]
    response = await post(client, csv_bytes(CHINESE, moved), auth("leader", areas=[BEIJIE]))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "rows.2.外部编号", "message": "no unit of yours has this key", "code": "bad_row"}
    ]


async def test_bad_rows_write_nothing(client: httpx.AsyncClient) -> None:
    rows = [*TOWN_LIST, ["", "小区", "阳光小区", NANJIE, "赵六", "12345", "", ""]]
    response = await post(client, csv_bytes(CHINESE, rows))
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("/import-rows")
    assert [e["field"] for e in body["errors"]] == ["rows.5.联系电话"]
    assert (await client.get("/v1/units", headers=ADMIN)).json()["items"] == []


@pytest.mark.parametrize(
    ("content", "media_type", "status", "slug"),
    [
        (b"a,b", "application/json", 415, "unsupported-media-type"),
        (b"a,b", "", 415, "unsupported-media-type"),
        (b"", CSV, 422, "unreadable-import"),
        (b"not a workbook", XLSX, 422, "unreadable-import"),
        ("名称\n甲\n".encode(), CSV, 422, "unreadable-import"),
    ],
)
async def test_unreadable_uploads(
    client: httpx.AsyncClient, content: bytes, media_type: str, status: int, slug: str
) -> None:
    response = await post(client, content, media_type=media_type)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/" + slug)


async def test_too_large(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer_routes, "MAX_IMPORT_BYTES", 100)
    response = await post(client, csv_bytes(CHINESE, TOWN_LIST))
    assert response.status_code == 413
