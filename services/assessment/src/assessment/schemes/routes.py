"""`/v1/schemes`: create, read, list, update (until a round runs on it) and version schemes."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response

from assessment.schemes import service
from assessment.schemes.examples import INSTITUTION
from assessment.schemes.presenter import present_summary, scheme_etag
from assessment.schemes.schemas import (
    SchemeCreate,
    SchemeIn,
    SchemeOut,
    SchemeSummary,
    SchemeVersionCreate,
)
from assessment.tables import idempotency_keys
from assessment.units.models import UnitKind
from assessment.units.schemas import KIND_DESCRIPTION
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.concurrency import IfMatchHeader
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/schemes", tags=["schemes"])
CREATE = "assessment_schemes_create"
NEW_VERSION = "assessment_schemes_new_version"

# Schemes are the published rules: everyone assessed or assessing may read them.
SCHEME_READERS = (Role.admin, Role.leader, Role.inspector, Role.unit, Role.service)
SchemeWriterDep = Annotated[Principal, Depends(require_roles(Role.admin))]
SchemeReaderDep = Annotated[Principal, Depends(require_roles(*SCHEME_READERS))]


def _answer(response: Response, out: SchemeOut) -> SchemeOut:
    response.headers["ETag"] = scheme_etag(out)
    return out


@router.post(
    "",
    name=CREATE,
    summary="Create a scheme (制定考核方案)",
    status_code=201,
    response_model=SchemeOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_scheme(
    body: Annotated[
        SchemeCreate,
        Body(openapi_examples={"平安单位": {"summary": "100分", "value": INSTITUTION}}),
    ],
    session: SessionDep,
    principal: SchemeWriterDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Version 1 of a new scheme: blocks, indicators with their measures and rules, bonus items,
    veto conditions (一票否决) and rating bands. Points must add up and every rule must fit its
    measure; each problem names its field. 409 when the code exists."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    out = await service.create_scheme(session, body, principal)
    response.headers["Location"] = f"/v1/schemes/{out.id}"
    await keyed.record(out, status_code=201)
    return _answer(response, out)


@router.get(
    "",
    name="assessment_schemes_list",
    summary="List scheme versions (考核方案列表)",
    response_model=Page[SchemeSummary],
    responses=problem_responses(401, 403, 422),
)
async def list_schemes(
    session: SessionDep,
    principal: SchemeReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    code: Annotated[str | None, Query(max_length=60, description="One scheme's versions")] = None,
    kind: Annotated[UnitKind | None, Query(description=KIND_DESCRIPTION)] = None,
) -> Page[SchemeSummary]:
    """Scheme versions ordered by code and version."""
    after = None
    if page.after is not None:
        code_after, version_after = [*page.after, None, None][:2]
        if (
            len(page.after) != 2
            or not isinstance(code_after, str)
            or type(version_after) is not int
        ):
            raise field_error("query.cursor", "not a cursor this service issued")
        after = (code_after, version_after)
    schemes = await service.list_schemes(
        session, code=code, kind=kind, after=after, limit=page.limit + 1
    )
    shown = schemes[: page.limit]
    next_cursor = None
    if len(schemes) > page.limit:
        next_cursor = encode_cursor([shown[-1].code, shown[-1].version])
    return Page[SchemeSummary](items=[present_summary(s) for s in shown], next_cursor=next_cursor)


@router.get(
    "/{scheme_id}",
    name="assessment_schemes_get",
    summary="Read a scheme version (考核方案详情)",
    response_model=SchemeOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_scheme(
    scheme_id: uuid.UUID, session: SessionDep, principal: SchemeReaderDep, response: Response
) -> SchemeOut:
    """A scheme version with its whole tree; the ETag is what an update's If-Match names."""
    return _answer(response, await service.read_scheme(session, scheme_id))


@router.put(
    "/{scheme_id}",
    name="assessment_schemes_update",
    summary="Change a scheme version no round has run on (修改考核方案)",
    response_model=SchemeOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def update_scheme(
    scheme_id: uuid.UUID,
    body: SchemeIn,
    session: SessionDep,
    principal: SchemeWriterDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> SchemeOut:
    """Replace a draft version's content. A version a round has run on is locked and never
    changes (409): add a new version instead. If-Match must name the ETag read."""
    out = await service.replace_scheme(session, scheme_id, body, if_match, principal)
    return _answer(response, out)


@router.post(
    "/{scheme_id}/versions",
    name=NEW_VERSION,
    summary="Add a new version of a scheme (考核方案新版本)",
    status_code=201,
    response_model=SchemeOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def new_version(
    scheme_id: uuid.UUID,
    body: SchemeVersionCreate,
    session: SessionDep,
    principal: SchemeWriterDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Version + 1 of the scheme, copied from this version or made of `content`. Only the latest
    version may be the base (409 otherwise)."""
    keyed = KeyedCreate(
        idempotency_keys, session, principal.sub, NEW_VERSION, idempotency_key, body
    )
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    out = await service.new_version(session, scheme_id, body.content, principal)
    response.headers["Location"] = f"/v1/schemes/{out.id}"
    await keyed.record(out, status_code=201)
    return _answer(response, out)
