"""Exports of a published round: the ranking workbook, the ranking chart, the bulletin document
(a well-formed Office Open XML package whose parts and relationships agree)."""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree import ElementTree

import httpx
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.rounds.bulletin_doc import bulletin_docx

from .assessment_rounds_world import World, add_finding, build_world
from .factories import ADMIN, auth

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


async def published(client: httpx.AsyncClient, session: AsyncSession) -> World:
    world = await build_world(client)
    await add_finding(session, world, "middle", "A1", 3)
    response = await client.post(f"/v1/rounds/{world.round_id}/publish", json={}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return world


async def test_ranking_workbook(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await published(client, session)
    response = await client.get(f"/v1/rounds/{world.round_id}/ranking.xlsx", headers=ADMIN)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("本片区排名 Rank", "单位名称 Unit", "类别 Kind")
    assert [(r[0], r[1], r[2], r[7], r[8]) for r in rows[1:]] == [
        (1, "屏山镇第一小学", "平安校园", 92.22, "优秀"),
        (2, "禄劝县第二中学", "平安校园", 85.56, "良好"),  # 6 off its 90 applicable points
        (1, "南街农贸市场", "平安市场", 93, "优秀"),
    ]
    contact = auth("unit", unit_id=world.unit_id("market"))
    own = await client.get(f"/v1/rounds/{world.round_id}/ranking.xlsx", headers=contact)
    own_rows = list(load_workbook(io.BytesIO(own.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in own_rows[1:]] == ["南街农贸市场"]


async def test_ranking_chart(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await published(client, session)
    response = await client.get(f"/v1/rounds/{world.round_id}/ranking.png", headers=ADMIN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    campus = await client.get(f"/v1/rounds/{world.round_id}/ranking.png?kind=campus", headers=ADMIN)
    assert campus.content != response.content


def parts(document: bytes) -> dict[str, ElementTree.Element]:
    """Every XML part of a DOCX, parsed (a part that is not well-formed fails the test)."""
    package = zipfile.ZipFile(io.BytesIO(document))
    assert package.testzip() is None
    assert package.namelist()[0] == "[Content_Types].xml"
    # Our own output, parsed to prove it well-formed.
    return {n: ElementTree.fromstring(package.read(n)) for n in package.namelist()}  # noqa: S314


def check_package(xml: dict[str, ElementTree.Element]) -> None:
    """Content types name every part; every relationship points at a part that exists."""
    types = xml["[Content_Types].xml"]
    overrides = {o.get("PartName", "").lstrip("/") for o in types.iter(f"{CT}Override")}
    assert overrides == set(xml) - {"[Content_Types].xml", "_rels/.rels",
                                    "word/_rels/document.xml.rels"}  # fmt: skip
    for name, root in xml.items():
        if not name.endswith(".rels"):
            continue
        base = posixpath.dirname(posixpath.dirname(name))
        for rel in root.iter(f"{REL}Relationship"):
            target = posixpath.normpath(posixpath.join(base, rel.get("Target", "")))
            assert target in xml, (name, target)


def texts(root: ElementTree.Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


async def test_bulletin_document(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await published(client, session)
    response = await client.get(f"/v1/rounds/{world.round_id}/bulletins/1.docx", headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    xml = parts(response.content)
    check_package(xml)
    document = xml["word/document.xml"]
    lines = texts(document)
    assert lines[0] == "关于2026年度南街平安创建考核结果的通报"
    assert "一、总体情况" in lines
    [table] = document.iter(f"{W}tbl")
    rows = [[c for c in texts(tr) if c] for tr in table.iter(f"{W}tr")]
    assert rows[0][:2] == ["排名", "单位名称"]
    assert rows[1][:2] == ["1", "屏山镇第一小学"]
    assert len(rows) == 4
    contact = auth("unit", unit_id=world.unit_id("market"))
    own = await client.get(f"/v1/rounds/{world.round_id}/bulletins/1.docx", headers=contact)
    own_table = next(parts(own.content)["word/document.xml"].iter(f"{W}tbl"))
    assert len(list(own_table.iter(f"{W}tr"))) == 2  # the header and its own line


def test_a_correction_document_and_unsafe_text() -> None:
    content = {
        "version": 2,
        "reason": "复核更正 <&>",
        "round": {"name": "测试\x01轮次", "area_code": "530128100", "period_start": "2026-01-01",
                  "period_end": "2026-12-31"},
        "scheme": {"name": "细则", "version": 1, "full_score": 100.0},
        "summary": {"units": 0, "ratings": {}, "vetoed": 0},
        "units": [],
        "commendations": {"units": [], "individuals": []},
        "carried_deductions": [],
        "accountability": [],
        "changes": [{"name": "甲", "before": {"total": 90.0, "rating": "优秀"},
                     "after": {"total": 80.0, "rating": "良好"}}],
    }  # fmt: skip
    xml = parts(bulletin_docx(content))
    check_package(xml)
    lines = texts(xml["word/document.xml"])
    assert lines[0] == "关于测试轮次结果的通报（第2版）"
    assert "更正说明：复核更正 <&>" in lines
    assert any(line.endswith("更正内容") for line in lines)
