"""Reading the Procfile: one `name: command` line per process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)\s*:\s*(?P<command>\S.*)$")


class ProcfileError(ValueError):
    """The Procfile has a line that is neither a process, a comment nor blank."""


@dataclass(frozen=True)
class Process:
    """One process of the Procfile."""

    name: str
    command: str

    @property
    def service(self) -> str:
        """The service a process belongs to: the name before its last dash (`incidents-api`)."""
        return self.name.rsplit("-", 1)[0]

    @property
    def is_api(self) -> bool:
        """True for an HTTP API process, which answers `/healthz`."""
        return self.name.endswith("-api")


def parse_procfile(text: str) -> list[Process]:
    """The processes of a Procfile's text, in order; blank lines and `#` comments are skipped."""
    processes: list[Process] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ProcfileError(f"Procfile line {number} is not `name: command`: {raw!r}")
        name = match["name"]
        if name in seen:
            raise ProcfileError(f"Procfile line {number} repeats the process name {name!r}")
        seen.add(name)
        processes.append(Process(name=name, command=match["command"].strip()))
    return processes


def read_procfile(path: Path) -> list[Process]:
    """The processes of the Procfile at path."""
    return parse_procfile(path.read_text(encoding="utf-8"))
