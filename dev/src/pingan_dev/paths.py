"""Where the repository, its git-ignored state folder and the virtualenv's programs are."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def repo_root() -> Path:
    """The repository root: `PINGAN_ROOT`, else the nearest folder upwards with the Procfile."""
    configured = os.environ.get("PINGAN_ROOT")
    if configured:
        return Path(configured).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "Procfile").is_file() and (folder / "dev" / "pyproject.toml").is_file():
            return folder
    # Editable install: dev/src/pingan_dev/paths.py sits four levels below the root.
    return Path(__file__).resolve().parents[3]


def wants_embedded(env: Mapping[str, str]) -> bool:
    """True when PINGAN_EMBEDDED asks for the embedded servers even where others answer."""
    return env.get("PINGAN_EMBEDDED", "").lower() in ("1", "true", "yes")


def state_dir() -> Path:
    """The git-ignored folder for local data: embedded servers' data and logs."""
    return repo_root() / ".pingan"


def venv_bin() -> Path:
    """The running interpreter's folder of programs (python, arq …), links left unresolved."""
    return Path(sys.executable).parent


def path_with_venv(path: str | None) -> str:
    """`PATH` with the virtualenv's programs first, so child processes find its python and arq."""
    first = str(venv_bin())
    rest = [entry for entry in (path or os.defpath).split(os.pathsep) if entry and entry != first]
    return os.pathsep.join([first, *rest])
