"""`/v1/preferences`: recipients' channel order, quiet hours and opt-out (接收偏好)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from notify.messages.models import RecipientPreference
from notify.preferences import service
from notify.preferences.schemas import PreferenceIn, PreferenceOut
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.contracts.messages import Channel
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/preferences", tags=["preferences"])

# Services and county systems set the preferences their users chose, and the office any; only
# the office lists them, and in clear: the address is what it reads, changes and removes them by.
EditorDep = Annotated[Principal, Depends(require_roles(Role.admin, Role.service))]
ListerDep = Annotated[Principal, Depends(require_roles(Role.admin))]
Address = Annotated[
    str,
    Path(
        min_length=1,
        max_length=100,
        description="Phone (mainland mobile), WeCom user id or openid",
        examples=["13800001111"],
    ),
]


def _present(found: RecipientPreference) -> PreferenceOut:
    assert isinstance(found.updated_at, datetime)
    return PreferenceOut(
        address=found.address,
        channels=[Channel(c) for c in found.channels] if found.channels is not None else None,
        quiet_hours=found.quiet_hours,
        quiet_start=found.quiet_start,
        quiet_end=found.quiet_end,
        opt_out_routine=found.opt_out_routine,
        version=found.version,
        updated_at=found.updated_at,
    )


@router.get(
    "",
    name="preferences_list",
    summary="List recipients' preferences (接收偏好列表)",
    response_model=Page[PreferenceOut],
    responses=problem_responses(401, 403, 422),
)
async def list_preferences(
    session: SessionDep,
    principal: ListerDep,
    paging: Annotated[PageParams, Depends(page_params)],
) -> Page[PreferenceOut]:
    """Every recipient's kept preferences, in address order."""
    found = await service.list_preferences(session, paging.after, paging.limit + 1)
    shown = found[: paging.limit]
    more = len(found) > paging.limit
    return Page[PreferenceOut](
        items=[_present(p) for p in shown],
        next_cursor=encode_cursor([shown[-1].address]) if more else None,
    )


@router.get(
    "/{address}",
    name="preferences_get",
    summary="Read a recipient's preferences (接收偏好)",
    response_model=PreferenceOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_preference(
    address: Address, session: SessionDep, principal: EditorDep, response: Response
) -> PreferenceOut:
    """The preferences kept for a phone, WeCom user id or openid (a phone is read as its 11
    digits, `+86` or not); 404 when none are kept and the defaults apply."""
    found = await service.get_preference(session, address)
    set_etag(response, found.version)
    return _present(found)


@router.put(
    "/{address}",
    name="preferences_put",
    summary="Set a recipient's preferences (设置接收偏好)",
    response_model=PreferenceOut,
    responses={
        201: {"description": "Created", "model": PreferenceOut},
        **problem_responses(401, 403, 412, 422, 428),
    },
)
async def put_preference(
    address: Address,
    body: PreferenceIn,
    session: SessionDep,
    principal: EditorDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PreferenceOut:
    """Create (201) or replace (200) a recipient's preferences. Replacing needs `If-Match` with
    the version read (428 without it, 412 when it is stale)."""
    found, created = await service.put_preference(session, address, body, if_match)
    response.status_code = 201 if created else 200
    if created:
        response.headers["Location"] = f"/v1/preferences/{found.address}"
    set_etag(response, found.version)
    return _present(found)


@router.delete(
    "/{address}",
    name="preferences_delete",
    summary="Remove a recipient's preferences (删除接收偏好)",
    status_code=204,
    responses=problem_responses(401, 403, 404, 412, 422),
)
async def delete_preference(
    address: Address,
    session: SessionDep,
    principal: EditorDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Forget a recipient's preferences, so the defaults apply again; `If-Match`, when sent,
    must name the current version."""
    await service.delete_preference(session, address, if_match)
    return Response(status_code=204)
