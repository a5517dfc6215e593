"""Charts of the town report (分析图表) as one PNG a leader can paste into a document: the 7 × 24
heat map of when incidents happen, the trend, and the incidents by category.

Rendered server-side with matplotlib's object API on the Agg canvas (no pyplot, no global state:
each request draws its own figure, so requests on worker threads do not meet). Chinese is set in
Noto Sans SC (`pingan_shared.charts`); every text that may hold Chinese is given it explicitly.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pingan_shared.charts import chinese_font

WIDTH_PX, HEIGHT_PX, DPI = 1200, 1400, 100
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_BARS = 12


@dataclass(frozen=True, slots=True)
class ChartData:
    """What the charts show: a title, the 7 × 24 matrix (Monday first, hours 0-23), a trend
    (label, count) and incidents by category (name, count), most first."""

    title: str
    matrix: Sequence[Sequence[float]]
    trend_title: str
    trend: Sequence[tuple[str, int]]
    categories: Sequence[tuple[str, int]]


def _heat_map(figure: Figure, axes: Axes, matrix: Sequence[Sequence[float]]) -> None:
    image = axes.imshow(matrix, aspect="auto", cmap="YlOrRd", interpolation="nearest")
    axes.set_yticks(range(7), WEEKDAYS, fontproperties=chinese_font())
    axes.set_xticks(range(24), [str(h) for h in range(24)])
    axes.set_xlabel("小时", fontproperties=chinese_font())
    axes.set_title("发案时段(星期 × 小时)", fontproperties=chinese_font(13))
    bar = figure.colorbar(image, ax=axes, fraction=0.03, pad=0.01)
    bar.set_label("警情数", fontproperties=chinese_font())


def _trend(axes: Axes, title: str, points: Sequence[tuple[str, int]]) -> None:
    labels = [label for label, _ in points]
    axes.plot(range(len(points)), [count for _, count in points], marker="o", color="#c0392b")
    step = max(1, len(points) // 12)  # at most a dozen labels stay legible
    axes.set_xticks(range(0, len(points), step), labels[::step], rotation=30, ha="right")
    axes.set_ylabel("警情数", fontproperties=chinese_font())
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts, not fractions
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(title, fontproperties=chinese_font(13))


def _categories(axes: Axes, bars: Sequence[tuple[str, int]]) -> None:
    shown = list(bars[:MAX_BARS])[::-1]  # the largest at the top
    drawn = axes.barh([name for name, _ in shown], [count for _, count in shown], color="#2e86c1")
    for label in axes.get_yticklabels():
        label.set_fontproperties(chinese_font())
    axes.bar_label(drawn, padding=3)
    axes.set_xlabel("警情数", fontproperties=chinese_font())
    axes.set_title("案件类型", fontproperties=chinese_font(13))


def render_png(data: ChartData) -> bytes:
    """The three charts, one above the other, as a PNG of WIDTH_PX × HEIGHT_PX."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    heat, trend, categories = figure.subplots(3, 1, height_ratios=(1.1, 1, 1.1))
    figure.suptitle(data.title, fontproperties=chinese_font(16))
    _heat_map(figure, heat, data.matrix)
    _trend(trend, data.trend_title, data.trend)
    _categories(categories, data.categories)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
