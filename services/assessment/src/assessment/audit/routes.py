"""`/v1/audit`: read the audit log and verify its hash chain (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from assessment.audit import repository
from assessment.audit.schemas import AuditEntryOut, BrokenLinkOut, ChainVerification
from assessment.audit.service import verify_chain
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, problem_responses
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params

router = APIRouter(prefix="/v1/audit", tags=["audit"])

AuditorDep = Annotated[Principal, Depends(require_roles(Role.admin))]


@router.get(
    "",
    name="assessment_audit_list",
    summary="List audit entries (审计日志)",
    response_model=Page[AuditEntryOut],
    responses=problem_responses(401, 403, 422),
)
async def list_audit_entries(
    session: SessionDep,
    _: AuditorDep,
    page: Annotated[PageParams, Depends(page_params)],
    entity: Annotated[
        str | None, Query(max_length=40, description="Kind of record, e.g. `finding`")
    ] = None,
    entity_id: Annotated[str | None, Query(max_length=100, description="The record's id")] = None,
    at_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="Recorded at or after")
    ] = None,
    at_to: Annotated[AwareDatetime | None, Query(alias="to", description="Recorded before")] = None,
) -> Page[AuditEntryOut]:
    """Entries in chain order (oldest first), filtered by record and time."""
    if at_from is not None and at_to is not None and at_to <= at_from:
        raise field_error("query.to", "must be after `from`")
    after_id = None
    if page.after is not None:
        if len(page.after) != 1 or type(page.after[0]) is not int:
            raise field_error("query.cursor", "not a cursor this service issued")
        after_id = page.after[0]
    entries = await repository.list_entries(
        session,
        entity=entity,
        entity_id=entity_id,
        at_from=at_from,
        at_to=at_to,
        after_id=after_id,
        limit=page.limit + 1,
    )
    shown = entries[: page.limit]
    next_cursor = encode_cursor([shown[-1].id]) if len(entries) > page.limit else None
    return Page[AuditEntryOut](
        items=[AuditEntryOut.model_validate(e, from_attributes=True) for e in shown],
        next_cursor=next_cursor,
    )


@router.get(
    "/verify",
    name="assessment_audit_verify",
    summary="Verify the audit chain (审计链校验)",
    response_model=ChainVerification,
    responses=problem_responses(401, 403),
)
async def verify_audit_chain(session: SessionDep, _: AuditorDep) -> ChainVerification:
    """Walk every entry in id order, recomputing each hash from the previous one, and name the
    first broken link: the entry, the field, the value expected and the value found."""
    check = await verify_chain(repository.chain_rows(session))
    broken = check.broken
    return ChainVerification(
        ok=broken is None,
        checked=check.checked,
        last_good_id=check.last_id,
        head_hash=check.head_hash,
        first_broken=None
        if broken is None
        else BrokenLinkOut(
            id=broken.id, field=broken.field, expected=broken.expected, found=broken.found
        ),
    )
