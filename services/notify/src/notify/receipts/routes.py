"""`POST /v1/receipts/aliyun` and `POST /v1/receipts/tencent`: providers' receipt callbacks.

A provider cannot hold a bearer token; the callback URL ops configure at the provider carries a
per-provider secret as `?token=`. It is a query parameter, not a path segment, so the paths stay
the ones the issue names and the secret stays out of what this service writes about a request:
access logs and metrics name the route, error logs and problem answers the path, never the query.

Every push that passes the secret is answered with the provider's own success body, whatever it
held: the valid reports are applied, and a report that cannot be read is logged and counted.
Both providers push again when not answered that way, and a malformed report never becomes valid.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from notify.channels.routing import Router
from notify.config import NotifySettings
from notify.jobs import DELIVER_MESSAGE_JOB
from notify.messages.fallback import fall_back_all
from notify.receipts import service
from notify.receipts.providers import ALIYUN, TENCENT, ReceiptProvider, admits, read_push
from notify.tables import infrastructure
from pingan_shared.db import SessionDep, driver_connection
from pingan_shared.errors import ProblemError, problem_responses
from pingan_shared.observability import mask_phones
from pingan_shared.outbox import add_job
from pingan_shared.queue import NOTIFY_QUEUE

router = APIRouter(prefix="/v1/receipts", tags=["receipts"])
log = structlog.get_logger(__name__)

Token = Annotated[
    str | None,
    Query(description="The callback secret (NOTIFY_*_RECEIPT_SECRET) ops put in the URL"),
]
MAX_LOGGED_ERRORS = 5


def _body_doc(example: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array"}, "example": example},
            },
        }
    }


ALIYUN_EXAMPLE = {
    "phone_number": "13800001111",
    "send_time": "2026-11-28 21:30:00",
    "report_time": "2026-11-28 21:30:04",
    "success": True,
    "err_code": "DELIVERED",
    "err_msg": "用户接收成功",
    "sms_size": "1",
    "biz_id": "932702304080415357^0",
    "out_id": "9b2f0c1e4d5a4c4e8f7a6b5c4d3e2f10",
}
TENCENT_EXAMPLE = {
    "user_receive_time": "2026-11-28 21:30:04",
    "nationcode": "86",
    "mobile": "13800001111",
    "report_status": "SUCCESS",
    "errmsg": "DELIVRD",
    "description": "用户短信送达成功",
    "sid": "5000:1045710669157053657849499619",
}


async def _receive(
    provider: ReceiptProvider, request: Request, session: AsyncSession, token: str | None
) -> JSONResponse:
    settings: NotifySettings = request.app.state.settings
    if not admits(provider.secret_of(settings), token):
        # The same answer as a route that does not exist: an unconfigured callback and a wrong
        # secret look alike from outside.
        if token is not None:
            log.warning("receipt_token_refused", channel=provider.channel.value)
        raise ProblemError(404, "not-found", "Not Found")
    receipts, errors = read_push(provider, await request.body())
    if errors:
        log.warning(
            "receipt_reports_unreadable",
            channel=provider.channel.value,
            count=len(errors),
            errors=[mask_phones(e)[:200] for e in errors[:MAX_LOGGED_ERRORS]],
        )
        service.RECEIPTS.labels(provider.channel.value, "unreadable").inc(len(errors))
    if receipts:
        outcome = await service.apply_receipts(session, provider.channel, receipts)
        if outcome.failed:
            await _fall_back(session, request, outcome.failed)
    return JSONResponse(dict(provider.reply))


async def _fall_back(session: AsyncSession, request: Request, failed: Sequence[uuid.UUID]) -> None:
    """Try each undelivered SMS's recipient on the next channel, in this transaction."""
    router = Router.from_settings(request.app.state.settings)
    again = await fall_back_all(await driver_connection(session), router, failed)
    for message_id in again:
        await add_job(
            session,
            infrastructure.outbox,
            queue=NOTIFY_QUEUE,
            job=DELIVER_MESSAGE_JOB,
            payload={"message_id": str(message_id)},
        )


@router.post(
    "/aliyun",
    name="receipts_aliyun",
    summary="Aliyun SMS delivery receipts (阿里云短信回执, SmsReport)",
    response_description='Always `{"code":0,"msg":"接收成功"}`, as Aliyun expects',
    responses=problem_responses(404),
    openapi_extra=_body_doc([ALIYUN_EXAMPLE]),
)
async def aliyun_receipts(
    request: Request, session: SessionDep, token: Token = None
) -> JSONResponse:
    """SmsReport's array of reports: `sent` deliveries become delivered or failed. Reports are
    joined on our delivery key (`out_id`), else on `biz_id` and the number. 404 unless `token`
    is the configured secret."""
    return await _receive(ALIYUN, request, session, token)


@router.post(
    "/tencent",
    name="receipts_tencent",
    summary="Tencent Cloud SMS delivery receipts (腾讯云短信回执)",
    response_description='Always `{"result":0,"errmsg":"OK"}`, as Tencent expects',
    responses=problem_responses(404),
    openapi_extra=_body_doc([TENCENT_EXAMPLE]),
)
async def tencent_receipts(
    request: Request, session: SessionDep, token: Token = None
) -> JSONResponse:
    """The callback's array of reports, joined on `sid` (the send's SerialNo): `sent`
    deliveries become delivered or failed. 404 unless `token` is the configured secret."""
    return await _receive(TENCENT, request, session, token)
