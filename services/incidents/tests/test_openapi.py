"""The OpenAPI schema front-end teams generate clients from."""

from __future__ import annotations

import re

import httpx


async def test_every_operation_is_named_tagged_and_documents_its_problems(
    client: httpx.AsyncClient,
) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "Problem" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert re.fullmatch(r"[a-z0-9]+_[a-z0-9_]+", operation["operationId"]), where
            assert operation.get("tags"), where
            assert operation.get("summary"), where
            # Open311 answers in its own error format (400/403/404), as its specification says.
            if path.startswith(("/healthz", "/readyz", "/open311/")):
                continue
            assert "422" in operation["responses"], where
            if path.startswith("/v1/public/"):
                assert "security" not in operation, where  # residents need no account
            else:
                assert "401" in operation["responses"], where


async def test_the_smallest_report_is_the_documented_example(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    example = schema["components"]["schemas"]["IncidentCreate"]["examples"][0]
    assert set(example) == {"category", "description", "occurred_at", "location", "area_code"}
