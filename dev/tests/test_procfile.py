"""Reading the Procfile."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingan_dev.procfile import ProcfileError, parse_procfile, read_procfile

ROOT = Path(__file__).resolve().parents[2]


def test_the_repository_procfile_names_an_api_and_a_worker_per_service() -> None:
    processes = read_procfile(ROOT / "Procfile")
    names = [p.name for p in processes]
    assert len(names) == len(set(names))
    services = {p.service for p in processes}
    assert {"incidents", "assessment", "notify"} <= services
    for service in services:
        assert f"{service}-api" in names
        assert f"{service}-worker" in names
    api = next(p for p in processes if p.name == "incidents-api")
    assert api.is_api
    assert api.command == "python -m incidents api"


def test_comments_and_blank_lines_are_skipped_and_commands_kept_whole() -> None:
    text = "# the web\n\nweb: python -m app api --port 8000  \n  worker:arq app.Worker # note\n"
    processes = parse_procfile(text)
    assert [(p.name, p.command) for p in processes] == [
        ("web", "python -m app api --port 8000"),
        ("worker", "arq app.Worker # note"),
    ]
    assert not processes[1].is_api


@pytest.mark.parametrize(
    "text",
    ["web python -m app\n", "web:\n", ": python\n", "a: x\na: y\n"],
    ids=["no-colon", "no-command", "no-name", "repeated-name"],
)
def test_malformed_lines_are_refused(text: str) -> None:
    with pytest.raises(ProcfileError):
        parse_procfile(text)
