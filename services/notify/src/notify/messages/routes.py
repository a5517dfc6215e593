"""`POST /v1/messages`, `GET /v1/messages/{id}` and `GET /v1/messages`."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from notify.deliveries.repository import attempts_of
from notify.deps import ReaderDep, RouterDep, SenderDep
from notify.jobs import DELIVER_MESSAGE_JOB
from notify.messages import repository
from notify.messages.presenter import present_message
from notify.messages.schemas import MessageOut
from notify.messages.service import record_message
from notify.tables import idempotency_keys, infrastructure
from notify.templates import TemplateError
from pingan_shared.contracts.messages import SendMessage
from pingan_shared.db import SessionDep
from pingan_shared.errors import field_error, not_found, problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.outbox import add_job
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params
from pingan_shared.queue import NOTIFY_QUEUE

router = APIRouter(prefix="/v1/messages", tags=["messages"])
CREATE = "messages_create"

EXAMPLE = {
    "message_key": "duty-roster:2026-12-01",
    "template": "generic_text",
    "params": {"text": "12月1日起南街社区巡防队夜间巡逻改为两班"},
    "recipients": [
        {"name": "南街社区值班群", "wecom_robot_key": "c0ffee00-1111-2222-3333-444455556666"},
        {"name": "李警官", "phone": "13800001111"},
    ],
    "channels": ["wecom_robot", "aliyun_sms"],
    "source": "county-platform",
}


async def _present(session: AsyncSession, message_id: uuid.UUID) -> MessageOut:
    message = await repository.get_message(session, message_id)
    if message is None:
        raise not_found("message")
    deliveries = (await repository.deliveries_of(session, [message.id]))[message.id]
    history = await attempts_of(session, [d.id for d in deliveries])
    return present_message(message, deliveries, history)


@router.post(
    "",
    name=CREATE,
    summary="Send a message (发送消息)",
    status_code=202,
    response_model=MessageOut,
    responses={
        200: {"description": "A message with this `message_key` exists: that message"},
        **problem_responses(401, 403, 409, 422),
    },
)
async def create_message(
    body: Annotated[SendMessage, Body(openapi_examples={"notice": {"value": EXAMPLE}})],
    session: SessionDep,
    principal: SenderDep,
    channel_router: RouterDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record a templated message and its deliveries; the worker sends them.

    Answers 202 with the message and its queued deliveries, or 200 with the existing message when
    its `message_key` was used before. With an `Idempotency-Key`, a retry returns the first answer.
    """
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CREATE, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    try:
        message_id, created, _ = await record_message(session, body, channel_router)
    except TemplateError as exc:
        raise field_error(f"body.{exc.field}", exc.message, exc.code) from None
    if created:
        # Through the outbox: the job reaches Redis only once this transaction has committed.
        await add_job(
            session,
            infrastructure.outbox,
            queue=NOTIFY_QUEUE,
            job=DELIVER_MESSAGE_JOB,
            payload={"message_id": str(message_id), "priority": body.priority.value},
        )
    out = await _present(session, message_id)
    response.status_code = 202 if created else 200
    response.headers["Location"] = f"/v1/messages/{message_id}"
    await keyed.record(out, status_code=response.status_code)
    return out


@router.get(
    "/{message_id}",
    name="messages_get",
    summary="Read a message and its deliveries (消息及投递状态)",
    response_model=MessageOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_message(
    message_id: uuid.UUID, session: SessionDep, principal: ReaderDep
) -> MessageOut:
    """One message with the state of each delivery; 404 when there is no such message."""
    return await _present(session, message_id)


@router.get(
    "",
    name="messages_list",
    summary="List messages (消息列表)",
    response_model=Page[MessageOut],
    responses=problem_responses(401, 403, 422),
)
async def list_messages(
    session: SessionDep,
    principal: ReaderDep,
    paging: Annotated[PageParams, Depends(page_params)],
    message_key: Annotated[str | None, Query(max_length=200, description="Only this key")] = None,
) -> Page[MessageOut]:
    """Messages with their deliveries, newest first; `message_key` finds one producer's message."""
    messages = await repository.list_messages(
        session, message_key=message_key, after=paging.after, limit=paging.limit + 1
    )
    more = len(messages) > paging.limit
    messages = messages[: paging.limit]
    deliveries = await repository.deliveries_of(session, [m.id for m in messages])
    next_cursor = None
    if more:
        last = messages[-1]
        assert last.created_at is not None
        next_cursor = encode_cursor([last.created_at.isoformat(), str(last.id)])
    return Page[MessageOut](
        items=[present_message(m, deliveries[m.id]) for m in messages], next_cursor=next_cursor
    )
