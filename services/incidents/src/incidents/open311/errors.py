"""Open311 errors: `errors[]{code, description}` with 400, 403 or 404, in the URL's format.

These routes answer this way and not with problem details, because Open311 clients parse only
this shape. `Open311Route` turns every error raised under it, validation included, into it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from incidents.open311.render import respond
from incidents.open311.schemas import ErrorItem, Format
from pingan_shared.errors import ProblemError


class Open311Error(Exception):
    """Raise to answer an Open311 client with `status` and one or more descriptions."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions


def requested_format(request: Request) -> Format:
    """The URL's format; XML, the one every Open311 server must speak, when it names none."""
    return Format.json if request.url.path.endswith(".json") else Format.xml


def error_response(request: Request, status: int, descriptions: Sequence[str]) -> Response:
    """An Open311 error answer."""
    items = [ErrorItem(code=status, description=d) for d in descriptions]
    return respond(requested_format(request), "errors", items, item="error", status_code=status)


def _validation_descriptions(exc: RequestValidationError) -> list[str]:
    descriptions = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        descriptions.append(f"{where}: {error.get('msg', 'invalid')}")
    return descriptions or ["the request is invalid"]


def _problem_descriptions(exc: ProblemError) -> list[str]:
    if exc.errors:
        return [f"{e.field.split('.', 1)[-1]}: {e.message}" for e in exc.errors]
    return [exc.detail or exc.title]


class Open311Route(APIRoute):
    """A route whose every error is an Open311 error: 404 stays 404, 403 stays 403 (api_key),
    anything else a client can cause is 400."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, wrapped to answer errors the Open311 way."""
        handler = super().get_route_handler()

        async def open311_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Open311Error as exc:
                return error_response(request, exc.status, exc.descriptions)
            except RequestValidationError as exc:
                return error_response(request, 400, _validation_descriptions(exc))
            except ProblemError as exc:
                status = exc.status if exc.status in (403, 404) else 400
                if exc.status >= 500:
                    raise
                return error_response(request, status, _problem_descriptions(exc))

        return open311_handler
