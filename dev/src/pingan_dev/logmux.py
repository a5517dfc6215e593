"""One combined, readable log: every line prefixed with its process name and the time."""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime
from typing import TextIO

_COLOURS = ("36", "33", "32", "35", "34", "91", "96", "93", "92", "95")
_RESET = "\033[0m"
SELF = "pingan"


class LogMux:
    """Writes lines as `HH:MM:SS name | text`, colouring the names when writing to a terminal."""

    def __init__(self, names: list[str], stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.width = max(len(name) for name in [SELF, *names])
        self.colour = self.stream.isatty()
        self._colours: dict[str, str] = {}
        self.closed = False

    def _colour_of(self, name: str) -> str:
        if name not in self._colours:
            self._colours[name] = _COLOURS[len(self._colours) % len(_COLOURS)]
        return self._colours[name]

    def prefix(self, name: str) -> str:
        """The padded, coloured name and the current time that start each line."""
        stamp = datetime.now().strftime("%H:%M:%S")
        label = name.ljust(self.width)
        if self.colour:
            label = f"\033[{self._colour_of(name)}m{label}{_RESET}"
        return f"{stamp} {label} | "

    def write(self, text: str) -> None:
        """Write text as it is; once the reader is gone, drop it instead of failing.

        `make run | tee log` closed by Ctrl-C must not kill the runner before it stops its
        processes, or they would be left running without it.
        """
        if self.closed:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            self.closed = True
            with contextlib.suppress(OSError, ValueError):
                # Send later writes (the interpreter's final flush too) to /dev/null.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.stream.fileno())

    def line(self, name: str, text: str) -> None:
        """Write one line of a process's output."""
        self.write(self.prefix(name) + text.rstrip("\r\n") + "\n")

    def say(self, text: str) -> None:
        """Write a line of the development runner's own."""
        for part in text.splitlines() or [""]:
            self.line(SELF, part)
