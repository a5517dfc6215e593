"""A progress bar on standard error, for long imports run by hand."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`[########------]  57%  57,000/100,000 rows  12,345 rows/s`, redrawn at most 10 times a
    second; nothing but the final line when the stream is not a terminal."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._live = self.stream.isatty()

    def advance(self, count: int = 1) -> None:
        """Count `count` more rows done."""
        self.done += count
        now = time.monotonic()
        if self._live and now - self._drawn >= 0.1:
            self._drawn = now
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def line(self) -> str:
        """The bar as text."""
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        return (
            f"{self.label:<10} [{bar:<30}] {share:>4.0%} {self.done:,}/{self.total:,} rows "
            f"{rate:,.0f} rows/s"
        )

    def finish(self) -> float:
        """Draw the last state on its own line; returns the rows per second."""
        self.stream.write(("\r" if self._live else "") + self.line() + "\n")
        self.stream.flush()
        return self.done / max(time.monotonic() - self.started, 1e-9)
