"""Every error is RFC 9457 problem details, and a crash leaks nothing."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from pingan_shared.errors import ProblemError, install_problem_handlers
from pingan_shared.observability import RequestContextMiddleware


class Body(BaseModel):
    count: int


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, service="test")

    @app.post("/things")
    async def create(body: Body) -> Body:
        return body

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("SELECT secret FROM users -- password=hunter2")

    @app.get("/conflict")
    async def conflict() -> None:
        raise ProblemError(409, "duplicate-unit", "a unit with this name exists")

    return app


async def _call(method: str, path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


async def test_validation_errors_name_each_field() -> None:
    response = await _call(
        "POST", "/things", json={"count": "many"}, headers={"X-Request-ID": "r-1"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == "body.count"
    assert problem["request_id"] == "r-1"
    assert response.headers["X-Request-ID"] == "r-1"


async def test_unhandled_errors_leak_nothing() -> None:
    response = await _call("GET", "/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "SELECT" not in response.text
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


async def test_domain_problems_and_unknown_routes() -> None:
    conflict = await _call("GET", "/conflict")
    assert (conflict.status_code, conflict.json()["type"]) == (
        409,
        "https://pingan.dev/problems/duplicate-unit",
    )
    missing = await _call("GET", "/nowhere")
    assert missing.status_code == 404
    assert missing.json()["title"] == "Not Found"
