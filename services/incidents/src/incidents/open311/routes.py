"""Open311 GeoReport v2 under `/open311/v2/`, each resource as `.json` and `.xml`.

Reads are public and show nothing of reporters; `POST requests` needs an `api_key`. Every service
is `realtime`: the service_request_id comes back at once, so a token is that id again.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request, Response

from incidents.areas import repository as areas
from incidents.intake import repository as intake
from incidents.open311 import params, repository, service
from incidents.open311.catalogue import service_of
from incidents.open311.errors import Open311Error, Open311Route
from incidents.open311.render import respond
from incidents.open311.schemas import (
    Discovery,
    Endpoint,
    Format,
    RequestToken,
    ServiceDefinition,
)
from pingan_shared.db import SessionDep

router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+08:00"
CONTACT = "屏山镇综治办 (comprehensive-governance office of 屏山镇), via the county's 12345 hotline"
KEY_SERVICE = (
    "接入密钥 API keys are issued by the county's comprehensive-governance office (综治办)"
)
FormatPath = Annotated[Format, Path(description="json or xml")]
Jurisdiction = Annotated[
    str | None, Query(description="区划代码 area code; only requests inside it")
]
_FORM_FIELDS = (
    *("api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string"),
    *("address_id", "email", "device_id", "account_id", "first_name", "last_name"),
    *("phone", "description", "media_url"),
)


def _responses(*statuses: int, ok: int = 200) -> dict[int | str, dict[str, Any]]:
    # One "4XX" entry: it also keeps FastAPI from documenting a 422 these routes never send.
    texts = {400: "400 bad request", 403: "403 missing or invalid api_key", 404: "404 not found"}
    described = ", ".join(texts[s] for s in statuses)
    formats: dict[str, dict[str, Any]] = {"text/xml": {}, "application/json": {}}
    return {
        ok: {"description": "The document, in the format the URL names", "content": formats},
        "4XX": {
            "description": f"Open311 errors[]{{code, description}}: {described}",
            "content": formats,
        },
    }


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


async def _check_jurisdiction(session: SessionDep, jurisdiction_id: str | None) -> None:
    if jurisdiction_id and await areas.get_area(session, jurisdiction_id.strip()) is None:
        raise Open311Error(404, f"jurisdiction_id {jurisdiction_id!r} was not found")


@router.get(
    "/discovery.{fmt}",
    name="open311_discovery",
    summary="Service discovery (服务发现)",
    responses=_responses(400),
)
async def discovery(request: Request, fmt: FormatPath) -> Response:
    """Where the GeoReport v2 endpoint is, and in which formats."""
    environment = request.app.state.settings.environment
    endpoint = Endpoint(
        specification=SPECIFICATION,
        url=str(request.base_url).rstrip("/") + router.prefix,
        changeset=CHANGESET,
        type="production" if environment == "production" else "test",
        formats=["text/xml", "application/json"],
    )
    document = Discovery(
        changeset=CHANGESET, contact=CONTACT, key_service=KEY_SERVICE, endpoints=[endpoint]
    )
    return respond(fmt, "discovery", document)


@router.get(
    "/services.{fmt}",
    name="open311_services_list",
    summary="List services: the incident categories (服务类型,即案件类型)",
    responses=_responses(400, 404),
)
async def list_services(
    session: SessionDep, fmt: FormatPath, jurisdiction_id: Jurisdiction = None
) -> Response:
    """Every active category as a service; none needs extra fields (`metadata` is false)."""
    await _check_jurisdiction(session, jurisdiction_id)
    services = [service_of(c.code, c.name) for c in await repository.active_categories(session)]
    return respond(fmt, "services", services, item="service")


@router.get(
    "/services/{service_code}.{fmt}",
    name="open311_services_get",
    summary="A service's definition (服务定义)",
    responses=_responses(400, 404),
)
async def get_service(
    session: SessionDep,
    service_code: str,
    fmt: FormatPath,
    jurisdiction_id: Jurisdiction = None,
) -> Response:
    """The service's attributes: none, as no category asks for extra fields."""
    await _check_jurisdiction(session, jurisdiction_id)
    if await intake.get_category(session, service_code) is None:
        raise Open311Error(404, f"service_code {service_code!r} was not found")
    definition = ServiceDefinition(service_code=service_code, attributes=[])
    return respond(fmt, "service_definition", definition)


@router.post(
    "/requests.{fmt}",
    name="open311_requests_create",
    summary="Report an incident (市民上报警情)",
    status_code=201,
    responses=_responses(400, 403, 404, ok=201),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["api_key", "jurisdiction_id", "service_code"],
                        "properties": {name: {"type": "string"} for name in _FORM_FIELDS},
                    }
                }
            },
        }
    },
)
async def create_request(request: Request, session: SessionDep, fmt: FormatPath) -> Response:
    """Report an incident in `jurisdiction_id` (an area code the key may report in), at
    `lat`/`long` or, given only an address, at the area's centre. The reporter's name and
    phone are kept for the handling staff; without them the report is anonymous."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise Open311Error(400, "send the request as application/x-www-form-urlencoded")
    form = params.parse_form(await request.body())
    api_key_id, principal = await service.api_key_principal(session, form.get("api_key"))
    created = await service.create_request(session, params.new_request(form), api_key_id, principal)
    return respond(fmt, "service_requests", [created], item="request", status_code=201)


@router.get(
    "/requests.{fmt}",
    name="open311_requests_list",
    summary="List service requests (警情查询,公开)",
    responses=_responses(400, 404),
)
async def list_requests(
    request: Request,
    session: SessionDep,
    fmt: FormatPath,
    service_request_id: Annotated[str | None, Query(description="Ids, comma separated")] = None,
    service_code: Annotated[str | None, Query(description="Service codes, comma separated")] = None,
    start_date: Annotated[str | None, Query(description="Requested at or after")] = None,
    end_date: Annotated[str | None, Query(description="Requested at or before")] = None,
    status: Annotated[str | None, Query(description="open, closed or both")] = None,
    jurisdiction_id: Jurisdiction = None,
    updated_after: Annotated[str | None, Query(description="Updated after")] = None,
    updated_before: Annotated[str | None, Query(description="Updated at or before")] = None,
    page: Annotated[str | None, Query(description="Page number from 1")] = None,
    page_size: Annotated[str | None, Query(description="Up to 1000 (the default)")] = None,
) -> Response:
    """Requests by id (overriding every other filter), or by service, status, jurisdiction and
    requested time (at most 90 days, by default the last 90); `updated_after` alone reads every
    request changed since."""
    query = params.requests_query(
        {
            "service_request_id": service_request_id,
            "service_code": service_code,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
            "jurisdiction_id": jurisdiction_id,
            "updated_after": updated_after,
            "updated_before": updated_before,
            "page": page,
            "page_size": page_size,
        }
    )
    if not query.ids:
        await _check_jurisdiction(session, query.area_prefix)
        known = {c.code for c in await repository.active_categories(session)}
        unknown = [code for code in query.service_codes if code not in known]
        if unknown:
            raise Open311Error(400, *[f"service_code {c!r} is not a service" for c in unknown])
    rows = await repository.find_requests(session, query)
    zone = _zone(request)
    found = [service.service_request(row, zone) for row in rows]
    return respond(fmt, "service_requests", found, item="request")


def _request_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise Open311Error(404, f"service_request_id {text!r} was not found") from None


@router.get(
    "/requests/{service_request_id}.{fmt}",
    name="open311_requests_get",
    summary="A service request (警情进度,公开)",
    responses=_responses(400, 404),
)
async def get_request(
    request: Request, session: SessionDep, service_request_id: str, fmt: FormatPath
) -> Response:
    """One request, in a list of one as the specification shows it."""
    row = await repository.find_request(session, _request_id(service_request_id))
    if row is None:
        raise Open311Error(404, f"service_request_id {service_request_id!r} was not found")
    found = service.service_request(row, _zone(request))
    return respond(fmt, "service_requests", [found], item="request")


@router.get(
    "/tokens/{token}.{fmt}",
    name="open311_tokens_get",
    summary="The request of a token (凭据查询)",
    responses=_responses(400, 404),
)
async def get_token(session: SessionDep, token: str, fmt: FormatPath) -> Response:
    """Every service is realtime and `POST requests` returns the id itself, so the only tokens
    are request ids: a token answers with itself as the id."""
    if await repository.find_request(session, _request_id(token)) is None:
        raise Open311Error(404, f"token {token!r} was not found")
    return respond(
        fmt,
        "service_requests",
        [RequestToken(service_request_id=token, token=token)],
        item="request",
    )


@router.api_route("/{path:path}", methods=["GET", "POST"], include_in_schema=False)
async def not_found(path: str) -> Response:
    """Anything else under Open311 is an Open311 404."""
    raise Open311Error(404, f"no Open311 resource {path!r}")
