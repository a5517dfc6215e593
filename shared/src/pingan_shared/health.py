"""`/healthz` (the process is alive) and `/readyz` (its PostgreSQL and Redis answer)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from pingan_shared.db import Database

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_SECONDS = 2.0


@router.get("/healthz", name="health_alive", summary="Liveness (存活检查)")
async def healthz() -> dict[str, str]:
    """Answers while the process can serve requests."""
    return {"status": "ok"}


async def _check_database(database: Database) -> None:
    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _check(name: str, probe: Any) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # a readiness probe reports any failure rather than raising
        return name, f"unavailable: {type(exc).__name__}"
    return name, "ok"


@router.get(
    "/readyz",
    name="health_ready",
    summary="Readiness: PostgreSQL and Redis reachable (就绪检查)",
    responses={503: {"description": "A dependency is unreachable"}},
)
async def readyz(request: Request) -> JSONResponse:
    """200 when the service's database and Redis both answer, else 503 with which one failed."""
    state = request.app.state
    checks = dict(
        await asyncio.gather(
            _check("database", _check_database(state.database)),
            _check("redis", state.redis.ping()),
        )
    )
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
