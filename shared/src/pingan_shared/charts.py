"""Chinese text in server-side charts (图表中文字体): Noto Sans SC (SIL Open Font License 1.1),
shipped as a file in the `pylopdf-fonts-zh-cn` package, so a chart shows Chinese on any machine
without a system font. Services that draw charts depend on matplotlib and that package.

Every text that may hold Chinese is given this font explicitly (`fontproperties=`), rather than
through matplotlib's global settings: each request draws its own figure with no shared state.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
"""Ships NotoSansSC-Regular.otf with `sans_path()`; pip name pylopdf-fonts-zh-cn."""


class ChineseFontMissingError(RuntimeError):
    """The package that ships the Chinese font is not installed."""


@cache
def chinese_font(size: float = 11) -> FontProperties:
    """Noto Sans SC at `size` points."""
    from matplotlib.font_manager import FontProperties

    try:
        # Looked up when first drawn: a service starts, and answers all but charts, without it.
        fonts = importlib.import_module(FONT_PACKAGE)
    except ModuleNotFoundError as exc:
        raise ChineseFontMissingError(f"install {FONT_PACKAGE} for Chinese charts") from exc
    return FontProperties(fname=str(fonts.sans_path()), size=size)
