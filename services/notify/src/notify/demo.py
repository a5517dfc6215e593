"""The notify part of the demo town: nothing to load yet, the templates live in code."""

from __future__ import annotations

import sys

from notify.templates import TEMPLATES
from pingan_shared.settings import ServiceSettings


async def load_demo(settings: ServiceSettings) -> None:
    """Report the registered templates (idempotent: it writes nothing)."""
    codes = ", ".join(sorted(TEMPLATES))
    sys.stdout.write(f"notify demo: {len(TEMPLATES)} templates registered ({codes})\n")
