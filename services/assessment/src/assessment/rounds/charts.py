"""The ranking chart (排名图) as a PNG with Chinese text.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state), so requests
on worker threads do not meet; Chinese text in the one shared chart font
(`pingan_shared.charts.chinese_font`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from pingan_shared.charts import chinese_font

SHOWN = 40  # the 20 highest and the 20 lowest when there are more
DPI = 100
BAND_COLOURS = ("#1e8449", "#2e86c1", "#f39c12", "#8e44ad", "#16a085")
FAILING_COLOUR = "#c0392b"


@dataclass(frozen=True, slots=True)
class ChartUnit:
    """A unit on the chart."""

    name: str
    total: float
    rating: str


def _shown(units: Sequence[ChartUnit]) -> list[ChartUnit]:
    ordered = sorted(units, key=lambda u: -u.total)
    if len(ordered) <= SHOWN:
        return ordered
    half = SHOWN // 2
    return [*ordered[:half], ChartUnit("……", 0.0, ""), *ordered[-half:]]


def ranking_png(
    title: str,
    units: Sequence[ChartUnit],
    bands: Sequence[tuple[str, float]],
    failing_band: str,
) -> bytes:
    """Horizontal bars of the units' totals, highest at the top, coloured by rating, with the
    bands' minimums as dashed lines."""
    shown = _shown(units)[::-1]
    height = max(4.0, 0.32 * len(shown) + 1.5)
    figure = Figure(figsize=(10, height), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    colours = {name: BAND_COLOURS[i % len(BAND_COLOURS)] for i, (name, _) in enumerate(bands)}
    colours[failing_band] = FAILING_COLOUR
    bars = axes.barh(
        range(len(shown)),
        [u.total for u in shown],
        color=[colours.get(u.rating, "#bbbbbb") for u in shown],
    )
    axes.bar_label(bars, labels=[f"{u.total:g}" if u.rating else "" for u in shown], padding=3)
    axes.set_yticks(range(len(shown)), [u.name for u in shown], fontproperties=chinese_font(9))
    for name, minimum in bands:
        axes.axvline(minimum, color=colours[name], linestyle="--", linewidth=1)
        axes.text(minimum, len(shown) - 0.4, f"{name}≥{minimum:g}", color=colours[name],
                  fontproperties=chinese_font(9), ha="right")  # fmt: skip
    axes.set_xlabel("总分", fontproperties=chinese_font())
    axes.set_xlim(0, max([100.0, *(u.total for u in shown)]) * 1.08)
    axes.set_title(title, fontproperties=chinese_font(14))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
