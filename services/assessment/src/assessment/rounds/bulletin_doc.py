"""The bulletin as the document the town prints (通报): overview, ranking, commendations,
deductions carried into the annual assessment, accountability, and a correction's changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from assessment.rounds.docx import Block, Paragraph, Table, write_docx
from assessment.rounds.notices import kind_name

NUMERALS = "一二三四五六七八九十"


def _number(value: Any) -> str:
    """A score as printed: 92.5, 90 (no trailing zeros)."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def bulletin_blocks(content: Mapping[str, Any]) -> list[Block]:
    """The bulletin's blocks, section by section."""
    round_ = content["round"]
    scheme = content["scheme"]
    version = content.get("version", 1)
    title = f"关于{round_['name']}结果的通报"
    if version > 1:
        title += f"（第{version}版）"
    blocks: list[Block] = [
        Paragraph(title, "Title"),
        Paragraph(
            f"依据《{scheme['name']}》（第{scheme['version']}版，满分{_number(scheme['full_score'])}分），"
            f"对区划{round_['area_code']}内的被考核单位开展了{round_['period_start']}至"
            f"{round_['period_end']}的考核。现将结果通报如下。"
        ),
    ]
    if content.get("reason"):
        blocks.append(Paragraph(f"更正说明：{content['reason']}", bold=True))
    sections = [
        ("总体情况", _overview(content)),
        ("考核结果及排名", _ranking(content)),
        ("表彰", _commendations(content)),
        ("年度综治考核扣分", _carried(content)),
        ("责任追究", _accountability(content)),
    ]
    if content.get("changes"):
        sections.append(("更正内容", _changes(content)))
    for i, (heading, section) in enumerate(sections):
        blocks.append(Paragraph(f"{NUMERALS[i]}、{heading}", "Heading1"))
        blocks.extend(section)
    if content.get("note"):
        blocks.append(Paragraph(str(content["note"])))
    blocks.append(Paragraph(f"发布时间：{content.get('published_at', '')}"))
    return blocks


def _overview(content: Mapping[str, Any]) -> list[Block]:
    summary = content["summary"]
    ratings = "、".join(f"{name}{n}个" for name, n in summary["ratings"].items()) or "无"
    text = f"本次共考核{summary['units']}个单位，其中{ratings}；一票否决{summary['vetoed']}个。"
    return [Paragraph(text)]


def _ranking(content: Mapping[str, Any]) -> list[Block]:
    rows = [
        [u["rank"], u["name"], kind_name(u["kind"]), u["rank_area"],
         _number(u["score"]), _number(u["bonus"]), _number(u["total"]), u["rating"],
         "是" if u["vetoed"] else ""]
        for u in content["units"]
    ]  # fmt: skip
    if not rows:
        return [Paragraph("无。")]
    headers = ["排名", "单位名称", "类别", "片区", "得分", "加分", "总分", "等次", "一票否决"]
    return [Table(headers, rows, [6, 30, 10, 16, 8, 8, 8, 8, 9])]


def _commendations(content: Mapping[str, Any]) -> list[Block]:
    commended = content["commendations"]
    units = "、".join(u["name"] for u in commended["units"])
    blocks: list[Block] = [Paragraph(f"对以下单位予以通报表彰：{units or '无'}。")]
    for person in commended["individuals"]:
        unit = f"（{person['unit_name']}）" if person.get("unit_name") else ""
        blocks.append(Paragraph(f"{person['name']}{unit}：{person['reason']}"))
    return blocks


def _carried(content: Mapping[str, Any]) -> list[Block]:
    rows = [[c["name"], _number(c["points"]), c["reason"]] for c in content["carried_deductions"]]
    if not rows:
        return [Paragraph("本次无需在年度综治和平安建设考核中扣分的单位。")]
    return [
        Paragraph("以下单位在年度综治和平安建设考核中相应扣分："),
        Table(["单位名称", "扣分", "原因"], rows, [40, 10, 50]),
    ]


def _accountability(content: Mapping[str, Any]) -> list[Block]:
    records = content["accountability"]
    if not records:
        return [Paragraph("本次无一票否决事项。")]
    return [
        Paragraph(
            f"{r['name']}：{r['condition_name']}。{r['reason']}"
            f"（审定意见：{r.get('decision_reason') or ''}）"
        )
        for r in records
    ]


def _changes(content: Mapping[str, Any]) -> list[Block]:
    rows = []
    for change in content["changes"]:
        before = change["before"] or {}
        after = change["after"]
        rows.append(
            [change["name"], _number(before["total"]) if before else "", before.get("rating", ""),
             _number(after["total"]), after["rating"]]
        )  # fmt: skip
    return [
        Table(
            ["单位名称", "原总分", "原等次", "更正后总分", "更正后等次"], rows, [40, 15, 15, 15, 15]
        )
    ]


def bulletin_docx(content: Mapping[str, Any]) -> bytes:
    """The bulletin as a DOCX document."""
    title = f"关于{content['round']['name']}结果的通报"
    return write_docx(bulletin_blocks(content), title=title, created=datetime.now(UTC))
