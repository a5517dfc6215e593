"""Running `python -m incidents <import command>` as a person would, against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_import(
    database_url: str, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m incidents ARGS` in a new process, for the caller to check its outcome."""
    env = {**os.environ, "INCIDENTS_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "incidents", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
