"""The common shape of every service's FastAPI app: lifespan, errors, middleware, health, metrics.

A service's `create_app()` calls `create_service_app()` with its settings, its routers and any
extra start-up work, and gets an app whose OpenAPI reads well in generated clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from redis.asyncio import Redis

from pingan_shared.auth import TokenVerifier
from pingan_shared.db import Database
from pingan_shared.errors import Problem, install_problem_handlers
from pingan_shared.health import router as health_router
from pingan_shared.observability import (
    RequestContextMiddleware,
    configure_logging,
    metrics_endpoint,
)
from pingan_shared.settings import ServiceSettings

StartupHook = Callable[[FastAPI, AsyncExitStack], Awaitable[None]]


def operation_id(route: APIRoute) -> str:
    """Routes are named `<service>_<action>` and that name is the operationId."""
    return route.name


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    version: str,
    routers: Sequence[APIRouter],
    openapi_tags: list[dict[str, Any]],
    on_startup: Sequence[StartupHook] = (),
) -> FastAPI:
    """Build a service app; its lifespan opens the database, Redis and what `on_startup` adds."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(
            settings.service_name, level=settings.log_level, json_logs=settings.log_json
        )
        async with AsyncExitStack() as stack:
            database = Database(settings.database_url, pool_size=settings.database_pool_size)
            stack.push_async_callback(database.dispose)
            redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
            stack.push_async_callback(redis.aclose)
            app.state.settings = settings
            app.state.database = database
            app.state.redis = redis
            app.state.token_verifier = TokenVerifier(settings)
            for hook in on_startup:
                await hook(app, stack)
            yield

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        openapi_tags=[
            *openapi_tags,
            {"name": "health", "description": "Liveness and readiness (健康检查)"},
        ],
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    app.include_router(health_router)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    for router in routers:
        app.include_router(router)
    _register_problem_schema(app)
    return app


def _register_problem_schema(app: FastAPI) -> None:
    """Make `Problem` a named component even on services whose routes all succeed."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(
            "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for name, definition in (
            Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            .get("$defs", {})
            .items()
        ):
            components.setdefault(name, definition)
        components["Problem"].pop("$defs", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override point
