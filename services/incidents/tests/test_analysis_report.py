"""The town report (分析报告): the workbook opens and holds its sheets with the figures of a small
month counted by hand; the charts decode at their size with every Chinese glyph found; bad input
and the permission matrix."""

from __future__ import annotations

import io
import warnings
from datetime import timedelta
from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, seed_areas
from incidents_listing import add_incidents, incident_row
from incidents_patrols import local
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.analysis.charts import HEIGHT_PX, WIDTH_PX, ChartData, render_png
from incidents.analysis.report_xlsx import SHEETS
from incidents.focus.rules import local_today
from incidents.places.models import Place, PlaceKind
from pingan_shared import charts
from pingan_shared.testing import bearer

MONTH = f"/v1/analysis/report?area={NANJIE}&period=2026-11"
ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
STAFF = {"admin", "leader", "police", "community"}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def _month(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """November 2026 in 南街: three thefts at the market (two on Wednesday 18th at 20:xx), a
    fight, a fraud by a man; one theft in October; a focus problem with a measure."""
    market = Place(
        kind=PlaceKind.market, name="南街农贸市场", area_code=NANJIE, address="南街 1 号"
    )
    session.add(market)
    await session.flush()

    def at(when: str, **overrides: Any) -> dict[str, Any]:
        return incident_row(**{"occurred_at": local(when), **overrides})

    await add_incidents(
        session,
        at("2026-11-18 20:10", place_id=market.id),
        at("2026-11-18 20:50", place_id=market.id),
        at("2026-11-03 09:00", place_id=market.id),
        at("2026-11-21 22:00", category="fight"),
        at("2026-11-10 15:00", category="fraud", suspect_gender="male", suspect_count=1),
        at("2026-10-20 10:00"),
    )
    body = {
        "title": "=南街市场扒窃",  # a formula in a spreadsheet unless guarded
        "source": "hot_place",
        "area_code": NANJIE,
        "place_id": str(market.id),
        "categories": ["theft"],
        "owner": {"name": "李警官", "phone": "13800001111"},
    }
    made = await client.post("/v1/focus-problems", json=body, headers=bearer("leader"))
    assert made.status_code == 201, made.text
    measure = {"taken_on": (local_today() - timedelta(days=1)).isoformat(), "text": "市场加装监控"}
    await client.post(
        f"/v1/focus-problems/{made.json()['id']}/measures", json=measure, headers=bearer("leader")
    )


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


async def test_the_workbook_holds_the_months_figures(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _month(client, session)
    response = await client.get(MONTH, headers=bearer("leader"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="report-530128100001-' in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == list(SHEETS)

    summary = {r[0]: r[1] for r in _rows(book[SHEETS[0]])}
    assert summary["警情总数 Incidents"] == 5
    assert summary["上期 Previous period"] == 1
    assert summary["统计期 Period"] == "2026-11"
    assert summary["突出问题 Focus problems"] == 1

    breakdown = _rows(book[SHEETS[1]])
    categories = {r[1]: r[2] for r in breakdown if r[0] == "案件类型 Category"}
    assert categories == {"盗窃": 3, "打架斗殴": 1, "诈骗": 1}
    theft = next(r for r in breakdown if r[1] == "盗窃")
    assert (theft[3], theft[4], theft[5]) == (pytest.approx(0.6), 1, pytest.approx(2.0))

    times = _rows(book[SHEETS[2]])
    wednesday = next(r for r in times if r[0] == "周三")
    assert wednesday[1 + 20] == 2
    assert wednesday[-1] == 2
    assert next(r for r in times if r[0] == "合计 Total")[-1] == 5

    places = _rows(book[SHEETS[3]])
    assert places[1][:3] == (1, "南街农贸市场", "市场")
    assert places[1][5:7] == (3, 0)
    assert places[1][9] == "盗窃"

    suspects = _rows(book[SHEETS[4]])
    assert next(r for r in suspects if r[0] == "性别 Gender" and r[1] == "男")[2] == 1

    [header, problem] = _rows(book[SHEETS[5]])
    assert header[0] == "问题 Problem"
    assert problem[0] == "'=南街市场扒窃"
    assert problem[2:5] == ("易发案部位", "整治中", "李警官")
    assert problem[7:9] == (1, "市场加装监控")


def test_the_charts_set_every_chinese_glyph() -> None:
    data = ChartData(
        title="屏山镇 警情分析 2026-11",
        matrix=[[float((d * 24 + h) % 5) for h in range(24)] for d in range(7)],
        trend_title="趋势(按周)",
        trend=[("11-02", 3), ("11-09", 5), ("11-16", 2)],
        categories=[("盗窃", 3), ("打架斗殴", 1), ("电信网络诈骗", 1)],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_png(data)
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (WIDTH_PX, HEIGHT_PX))


async def test_the_png_report_decodes_at_its_size(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _month(client, session)
    response = await client.get(MONTH + "&format=png", headers=bearer("police"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.size == (WIDTH_PX, HEIGHT_PX)
    # Not a blank page: the heat map and bars put many colours on it.
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("&format=pdf", "query.format"),
        ("&category=no_such", "query.category"),
    ],
)
async def test_bad_input_names_the_field(client: httpx.AsyncClient, query: str, field: str) -> None:
    response = await client.get(MONTH + query, headers=bearer("leader"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


async def test_a_bad_period_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"/v1/analysis/report?area={NANJIE}&period=2026-13", headers=bearer("leader")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.period"


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_report_matrix(client: httpx.AsyncClient, role: str) -> None:
    inside = await client.get(MONTH, headers=bearer(role, areas=[NANJIE]))
    assert inside.status_code == (200 if role in STAFF else 403), inside.text
    outside = await client.get(
        f"/v1/analysis/report?area={BEIJIE}&period=2026-11", headers=bearer(role, areas=[NANJIE])
    )
    assert outside.status_code == (404 if role in STAFF else 403)


async def test_without_the_font_package_the_charts_are_a_503_not_a_500(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "FONT_PACKAGE", "no_such_font_package")
    charts.chinese_font.cache_clear()
    try:
        response = await client.get(MONTH + "&format=png", headers=bearer("leader"))
    finally:
        charts.chinese_font.cache_clear()
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "no_such_font_package" in response.json()["detail"]
    workbook = await client.get(MONTH, headers=bearer("leader"))
    assert workbook.status_code == 200
