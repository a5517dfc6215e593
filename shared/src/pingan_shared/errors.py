"""RFC 9457 problem details for every error a service returns.

Validation errors carry an `errors` list naming each field; unhandled errors answer a plain 500
that leaks nothing about the code or the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://pingan.dev/problems/"

log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    """One invalid field: where it is (`body.location.lat`), what is wrong, and a machine code."""

    field: str
    message: str
    code: str


class Problem(BaseModel):
    """An RFC 9457 problem details object (问题详情)."""

    type: str = Field(examples=[PROBLEM_TYPE_BASE + "validation"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None
    request_id: str | None = None


class ProblemError(Exception):
    """Raise from services to answer with a problem: `ProblemError(409, "conflict", "…")`."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str | None = None,
        *,
        title: str | None = None,
        errors: Sequence[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or slug)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.errors = list(errors) if errors is not None else None
        self.headers = headers


def field_error(field: str, message: str, code: str = "invalid") -> ProblemError:
    """A 422 naming one field, for rules that pydantic cannot check alone."""
    return ProblemError(
        422,
        "validation",
        f"{field}: {message}",
        title="Request validation failed",
        errors=[FieldError(field=field, message=message, code=code)],
    )


def not_found(what: str) -> ProblemError:
    """A 404; also used for data outside the caller's areas, so existence does not leak."""
    return ProblemError(404, "not-found", f"{what} not found")


def problem_response(
    request: Request, problem: Problem, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Render a problem with its media type and the request id."""
    problem.instance = problem.instance or request.url.path
    problem.request_id = getattr(request.state, "request_id", None)
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _slug_for(status: int) -> str:
    return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")


def _location(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    problem = Problem(
        type=PROBLEM_TYPE_BASE + exc.slug,
        title=exc.title,
        status=exc.status,
        detail=exc.detail,
        errors=exc.errors,
    )
    return problem_response(request, problem, exc.headers)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(
            field=_location(err.get("loc", ())),
            message=err.get("msg", ""),
            code=err.get("type", "invalid"),
        )
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    problem = Problem(
        type=PROBLEM_TYPE_BASE + "validation",
        title="Request validation failed",
        status=422,
        detail=detail,
        errors=errors,
    )
    return problem_response(request, problem)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    problem = Problem(
        type=PROBLEM_TYPE_BASE + _slug_for(exc.status_code),
        title=HTTPStatus(exc.status_code).phrase,
        status=exc.status_code,
        detail=detail,
    )
    return problem_response(request, problem, dict(exc.headers or {}))


async def _on_unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    problem = Problem(
        type=PROBLEM_TYPE_BASE + "internal",
        title="Internal Server Error",
        status=500,
        detail="The server could not complete the request. Quote the request id when reporting it.",
    )
    return problem_response(request, problem)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of `app` as problem details."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unhandled)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem answers for the given statuses."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
