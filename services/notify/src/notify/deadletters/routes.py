"""`GET /v1/dead-letters`, `POST /v1/dead-letters/redrive` and
`POST /v1/deliveries/{delivery_id}/redrive`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from notify.deadletters import service
from notify.deadletters.schemas import BulkRedrive, BulkRedriveOutcome
from notify.deliveries import repository
from notify.deliveries.filters import DeliveryFilter, checked_period, dead_letter_filter
from notify.deliveries.presenter import page_of, present_row
from notify.deliveries.repository import Order
from notify.deliveries.schemas import DeliveryRow
from notify.deps import ReaderDep
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(tags=["dead-letters"])

# Sending a message again is the office's decision, taken once the cause is fixed (a template
# approved, a number corrected); services and county systems only read.
OperatorDep = Annotated[Principal, Depends(require_roles(Role.admin))]


@router.get(
    "/v1/dead-letters",
    name="dead_letters_list",
    summary="List dead letters (死信列表)",
    response_model=Page[DeliveryRow],
    responses=problem_responses(401, 403, 422),
)
async def list_dead_letters(
    session: SessionDep,
    principal: ReaderDep,
    paging: Annotated[PageParams, Depends(page_params)],
    wanted: Annotated[DeliveryFilter, Depends(dead_letter_filter)],
) -> Page[DeliveryRow]:
    """Deliveries given up after their last try, the most recently given up first, each with
    its history of attempts; `from`/`to` bound when they were given up."""
    listed = await repository.list_deliveries(
        session, wanted, order=Order.updated, after=paging.after, limit=paging.limit + 1
    )
    history = await repository.attempts_of(session, [row.delivery.id for row in listed])
    return page_of(listed, paging.limit, Order.updated, history)


@router.post(
    "/v1/dead-letters/redrive",
    name="dead_letters_redrive",
    summary="Re-drive dead letters in bulk (批量重新投递)",
    response_model=BulkRedriveOutcome,
    status_code=202,
    responses=problem_responses(401, 403, 422),
)
async def redrive_dead_letters(
    body: BulkRedrive, session: SessionDep, principal: OperatorDep
) -> BulkRedriveOutcome:
    """Queue again up to `limit` of the newest dead letters matching the filters. Each starts
    its tries afresh and its history records who re-drove it; one whose message another
    channel has taken over (a live fallback) is left dead."""
    checked_period(body.since, body.until, "body.from")
    wanted = DeliveryFilter(
        channels=tuple(body.channels or ()),
        source=body.source,
        since=body.since,
        until=body.until,
    )
    redriven, messages = await service.redrive_dead_letters(session, wanted, body.limit, principal)
    return BulkRedriveOutcome(redriven=redriven, messages=messages)


@router.post(
    "/v1/deliveries/{delivery_id}/redrive",
    name="deliveries_redrive",
    summary="Re-drive one delivery (重新投递)",
    response_model=DeliveryRow,
    status_code=202,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def redrive_delivery(
    delivery_id: uuid.UUID, session: SessionDep, principal: OperatorDep
) -> DeliveryRow:
    """Queue a dead or failed delivery again (409 for any other state, or when a fallback on
    another channel has taken its message over); answers it, queued, with its history."""
    await service.redrive_one(session, delivery_id, principal)
    listed = await repository.get_listed(session, delivery_id)
    assert listed is not None  # it was locked and changed in this transaction
    history = await repository.attempts_of(session, [delivery_id])
    return present_row(listed, history[delivery_id])
