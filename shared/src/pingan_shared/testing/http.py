"""An HTTP client on an app (its lifespan run), and bearer headers for tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from pingan_shared.tokens import mint_token


@asynccontextmanager
async def asgi_client(app: FastAPI) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """Run `app`'s lifespan and give a client that calls it in-process."""
    async with LifespanManager(app, startup_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, client


def bearer(
    *roles: str,
    areas: Sequence[str] = ("530128",),
    sub: str = "tester",
    unit_id: str | None = None,
    secret: str | None = None,
) -> dict[str, str]:
    """Authorization headers for a token with `roles` over `areas`."""
    token = mint_token(sub, list(roles), list(areas), name=sub, unit_id=unit_id, secret=secret)
    return {"Authorization": f"Bearer {token}"}
