"""docs/access.md says who may call each route, and says it as the code does."""

from __future__ import annotations

from pathlib import Path

from pingan_dev.access import document

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"


def test_the_permission_matrix_in_the_docs_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == document(), (
        "docs/access.md is out of date: `.venv/bin/python -m pingan_dev access-matrix > docs/access.md`"
    )


def test_the_matrix_shows_gates_and_public_routes() -> None:
    text = document()
    assert "| `POST /v1/incidents` | incidents_create | ✓ | ✓ | ✓ | ✓ | ✓ |  |  | ✓ |" in text
    assert "| `POST /v1/public/reports` | public_reports_create | public |" in text
    assert "| `GET /v1/privacy/phone-reads` | privacy_phone_reads | ✓ |  |" in text
