"""The town report as an XLSX workbook (分析报告), written with openpyxl's write-only mode: one sheet
each for the summary, the breakdown, the times (7 × 24 and trends), hot places, suspects' traits
and focus problems. Headers are Chinese and English; times are local (the business time zone).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from incidents.analysis.charts import WEEKDAYS
from incidents.analysis.labels import name_of
from incidents.analysis.report import FocusRow, TownReport
from incidents.analysis.schemas import Figure
from pingan_shared.spreadsheet_exports import XLSX_IN_MEMORY, xlsx_cell

SHEETS = ("概况 Summary", "构成 Breakdown", "时段 Times", "易发案部位 Hot places",
          "作案人员 Suspects", "突出问题 Focus problems")  # fmt: skip
FIGURE_HEADER = ("维度 Dimension", "名称 Name", "本期 Count", "占比 Share", "上期 Previous",
                 "环比 Change", "去年同期 Year earlier", "同比 Change", "每千人 Per 1,000")  # fmt: skip
# Column widths per sheet, from column A (characters).
WIDTHS = (
    (30, 40),
    (22, 24, 10, 10, 10, 10, 14, 10, 12),
    (18,),
    (8, 24, 16, 40, 18, 10, 10, 18, 18, 30),
    (26, 30, 10, 10, 10, 10, 14, 10, 12),
    (30, 14, 12, 10, 12, 12, 14, 10, 30, 10, 12, 12, 10, 60),
)
BOLD = Font(bold=True)
PERCENT = "0.0%"


def _cell(
    sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False, fmt: str | None = None
) -> Any:
    # The stubs leave out date and Decimal, which openpyxl writes as well.
    cell = WriteOnlyCell(sheet, value=cast(Any, xlsx_cell(value)))
    if bold:
        cell.font = BOLD
    if fmt:
        cell.number_format = fmt
    return cell


def _header(sheet: WriteOnlyWorksheet, names: Iterable[str]) -> None:
    sheet.append([_cell(sheet, name, bold=True) for name in names])


def _figure_rows(sheet: WriteOnlyWorksheet, dimension: str, rows: Sequence[Figure]) -> None:
    for f in rows:
        sheet.append(
            [
                dimension,
                xlsx_cell(f.name),
                f.count,
                _cell(sheet, f.share, fmt=PERCENT),
                f.previous,
                _cell(sheet, f.change, fmt=PERCENT),
                f.year_earlier,
                _cell(sheet, f.change_year_earlier, fmt=PERCENT),
                None if f.rate_per_1000 is None else round(f.rate_per_1000, 3),
            ]
        )


def _summary(sheet: WriteOnlyWorksheet, report: TownReport) -> None:
    total = report.breakdown.total
    statuses = [row.status for row in report.focus]
    rows: list[tuple[str, Any]] = [
        ("报告 Report", f"{report.area_name} 警情分析报告"),
        ("区划 Area", f"{report.area_name}({report.area_code})"),
        ("统计期 Period", report.period_label),
        ("生成时间 Generated", report.generated_at),
        ("警情总数 Incidents", total.count),
        ("上期 Previous period", total.previous),
        ("去年同期 A year earlier", total.year_earlier),
        ("每千人发案 Per 1,000 residents", total.rate_per_1000),
        ("突出问题 Focus problems", len(statuses)),
        ("其中逾期 Overdue", statuses.count("overdue")),
        ("其中已解决 Resolved", statuses.count("resolved")),
    ]
    for label, value in rows:
        sheet.append([_cell(sheet, label, bold=True), xlsx_cell(value)])
    sheet.append([_cell(sheet, "环比 Change", bold=True), _cell(sheet, total.change, fmt=PERCENT)])
    sheet.append(
        [
            _cell(sheet, "同比 Change on a year", bold=True),
            _cell(sheet, total.change_year_earlier, fmt=PERCENT),
        ]
    )


def _breakdown(sheet: WriteOnlyWorksheet, report: TownReport) -> None:
    b = report.breakdown
    _header(sheet, FIGURE_HEADER)
    for dimension, rows in (
        ("案件类型 Category", b.by_category),
        ("区划 Area", b.by_area),
        ("地点类型 Place kind", b.by_place_kind),
        ("地点 Place", b.by_place),
        ("来源 Source", b.by_source),
        ("状态 Status", b.by_status),
        ("严重程度 Severity", b.by_severity),
    ):
        _figure_rows(sheet, dimension, rows)


def _times(sheet: WriteOnlyWorksheet, report: TownReport) -> None:
    t = report.times
    _header(sheet, ["星期\\小时 Day\\hour", *[str(h) for h in range(24)], "合计 Total"])
    for name, row in zip(WEEKDAYS, t.matrix, strict=True):
        sheet.append([_cell(sheet, name, bold=True), *row, round(sum(row), 4)])
    sheet.append([_cell(sheet, "合计 Total", bold=True), *t.by_hour, t.total])
    sheet.append([])
    _header(sheet, ["按月 Month", "警情 Incidents"])
    for point in t.monthly:
        sheet.append([point.start, point.count])
    sheet.append([])
    _header(sheet, ["按周 Week (Monday)", "警情 Incidents"])
    for point in t.weekly:
        sheet.append([point.start, point.count])


def _hot_places(sheet: WriteOnlyWorksheet, report: TownReport) -> None:
    _header(sheet, ["排名 Rank", "地点 Place", "类型 Kind", "地址 Address", "区划 Area",
                    "本期 Count", "上期 Previous", "首次 First", "最近 Last", "案件类型 Categories"])  # fmt: skip
    places = report.hot_places
    names = {f.key: f.name for f in report.breakdown.by_category}

    def categories(codes: Sequence[str]) -> str:
        return "、".join(names.get(code, code) for code in codes)

    rank = 0
    for p in places.places:
        rank += 1
        sheet.append(
            [rank, xlsx_cell(p.name), name_of("place_kind", p.kind.value), xlsx_cell(p.address),
             p.area_code, p.count, p.previous, xlsx_cell(p.first_at.astimezone(report.zone)),
             xlsx_cell(p.last_at.astimezone(report.zone)), categories(p.categories)]
        )  # fmt: skip
    for a in places.addresses:
        rank += 1
        sheet.append(
            [rank, None, "地址 address", xlsx_cell(a.address), a.area_code, a.count, a.previous,
             xlsx_cell(a.first_at.astimezone(report.zone)),
             xlsx_cell(a.last_at.astimezone(report.zone)), categories(a.categories)]
        )  # fmt: skip


def _suspects(sheet: WriteOnlyWorksheet, report: TownReport) -> None:
    s = report.suspects
    _header(sheet, FIGURE_HEADER)
    _figure_rows(sheet, "有作案人员信息 Described", [s.described])
    for dimension, rows in (
        ("性别 Gender", s.by_gender),
        ("年龄段 Age band", s.by_age_band),
        ("本地/外来 Origin", s.by_origin),
        ("作案手段 Modus operandi", s.by_modus_operandi),
    ):
        _figure_rows(sheet, dimension, rows)


def _focus_row(row: FocusRow) -> list[Any]:
    return [
        xlsx_cell(row.title), row.area_name, row.source, row.status, xlsx_cell(row.owner),
        row.target_date, row.measures_started_on, row.measures, xlsx_cell(row.latest_measure),
        row.escalation_level, row.before_per_week, row.after_per_week, row.p,
        xlsx_cell(row.conclusion),
    ]  # fmt: skip


def _focus(sheet: WriteOnlyWorksheet, report: TownReport) -> None:
    _header(sheet, ["问题 Problem", "区划 Area", "来源 Source", "状态 Status", "责任人 Owner",
                    "整改期限 Target", "措施开始 Measures from", "措施数 Measures",
                    "最近措施 Latest measure", "督办级别 Escalation", "整治前周均 Before a week",
                    "整治后周均 After a week", "检验 p", "成效 Effect"])  # fmt: skip
    for row in report.focus:
        sheet.append(_focus_row(row))


def workbook_file(report: TownReport) -> IO[bytes]:
    """The report's workbook in a spooled temporary file, positioned at its start (blocking:
    run it on a worker thread)."""
    book = Workbook(write_only=True)
    writers = (_summary, _breakdown, _times, _hot_places, _suspects, _focus)
    for title, write, widths in zip(SHEETS, writers, WIDTHS, strict=True):
        sheet = book.create_sheet(title)
        assert isinstance(sheet, WriteOnlyWorksheet)
        # Write-only sheets have column dimensions at run time; the type stubs leave them out.
        dimensions = cast(Worksheet, sheet).column_dimensions
        for letter, width in zip("ABCDEFGHIJKLMN", widths, strict=False):
            dimensions[letter].width = width
        write(sheet, report)
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115 - streamed, closed by file_chunks
    book.save(spool)
    spool.seek(0)
    return spool
