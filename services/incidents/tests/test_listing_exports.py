"""Exports of the list: CSV read back, XLSX opened with openpyxl, GeoJSON checked as RFC 7946."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_listing import BASE_TIME, MASKED, PHONE, add_incidents, hours, incident_row
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.listing.exports import COLUMNS
from pingan_shared.testing import bearer

ADMIN = bearer("admin", areas=["530128"])
LEADER = bearer("leader", areas=["530128"])
HEADERS = [header for _, header in COLUMNS]


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]


async def test_csv_has_bilingual_headers_local_times_and_the_lists_filters(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    theft, _, _ = await add_incidents(
        session,
        incident_row(category="theft"),
        incident_row(category="fraud", occurred_at=BASE_TIME - hours(1)),
        incident_row(category="theft", area_code=BEIJIE),
    )
    response = await client.get(
        f"/v1/incidents/export.csv?category=theft&area={NANJIE}", headers=ADMIN
    )
    assert 'filename="incidents.csv"' in response.headers["content-disposition"]
    [row] = read_csv(response)
    assert row["编号 ID"] == str(theft)
    assert row["类别名称 Category name"] == "盗窃"
    assert row["发生时间 Occurred at"] == "2026-11-20T20:00:00+08:00"  # 12:00 UTC
    assert row["报警人电话 Reporter phone"] == PHONE
    assert row["纬度 Latitude (WGS-84)"] == "25.5528"


async def test_csv_carries_suspects_modus_operandi_and_loss(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await add_incidents(
        session,
        incident_row(
            suspect_count=2,
            suspect_gender="male",
            suspect_age_band="18_25",
            suspect_non_local=True,
            suspect_traits="戴黑色头盔",
            modus_operandi=["撬锁", "骑电动车"],
            loss_amount=Decimal("3200.50"),
        ),
    )
    [row] = read_csv(await client.get("/v1/incidents/export.csv", headers=ADMIN))
    assert row["作案人数 Suspects"] == "2"
    assert row["外来流动人口 Non-local suspects"] == "true"
    assert row["作案人员特点 Suspects' traits"] == "戴黑色头盔"
    assert row["作案手段 Modus operandi"] == "撬锁; 骑电动车"
    assert row["损失金额(元) Loss (CNY)"] == "3200.50"


async def test_csv_masks_phones_and_defuses_formulas(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await add_incidents(session, incident_row(description='=HYPERLINK("http://x","点我")'))
    [row] = read_csv(await client.get("/v1/incidents/export.csv", headers=LEADER))
    assert row["报警人电话 Reporter phone"] == MASKED
    assert row["描述 Description"].startswith("'=HYPERLINK")


async def test_csv_streams_thousands_of_rows_in_order(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    rows = [incident_row(occurred_at=BASE_TIME - hours(i / 60)) for i in range(2500)]
    await add_incidents(session, *rows)
    exported = read_csv(await client.get("/v1/incidents/export.csv", headers=ADMIN))
    assert [r["编号 ID"] for r in exported] == [str(r["id"]) for r in rows]


async def test_xlsx_opens_with_headers_typed_cells_and_masking(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    [incident_id] = await add_incidents(session, incident_row(description="+86 报警"))
    response = await client.get("/v1/incidents/export.xlsx", headers=LEADER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))
    assert list(header) == HEADERS
    cells = dict(zip(HEADERS, row, strict=True))
    assert cells["编号 ID"] == str(incident_id)
    assert cells["发生时间 Occurred at"] == datetime(2026, 11, 20, 20, 0)  # local, no zone
    assert cells["纬度 Latitude (WGS-84)"] == 25.5528
    assert cells["报警人电话 Reporter phone"] == MASKED
    assert cells["描述 Description"] == "'+86 报警"
    assert cells["匿名 Anonymous"] is False


async def test_empty_xlsx_still_has_its_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/incidents/export.xlsx", headers=ADMIN)
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [HEADERS]


async def test_geojson_is_a_feature_collection_of_points(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    first, second = await add_incidents(
        session,
        incident_row(lat=25.5528, lon=102.4688),
        incident_row(lat=25.5597, lon=102.4676, occurred_at=BASE_TIME - hours(1)),
    )
    response = await client.get("/v1/incidents/incidents.geojson", headers=LEADER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [str(first), str(second)]
    feature = collection["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [102.4688, 25.5528]}
    assert feature["properties"]["category_name"] == "盗窃"
    assert feature["properties"]["reporter"] == {"name": "王芳", "phone": MASKED}
    assert "location" not in feature["properties"]


async def test_empty_geojson_is_valid(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/incidents/incidents.geojson?category=drugs", headers=ADMIN)
    assert json.loads(response.content) == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(
    "path",
    ["/v1/incidents/export.csv", "/v1/incidents/export.xlsx", "/v1/incidents/incidents.geojson"],
)
async def test_exports_refuse_bad_filters_as_problems(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"{path}?bbox=1,2", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.bbox"
