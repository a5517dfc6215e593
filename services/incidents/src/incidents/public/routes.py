"""`/v1/public/reports`: residents report without an account and follow their report by receipt."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from incidents.intake import service
from incidents.intake.models import IncidentStatus, Source
from incidents.intake.records import IncidentRecord
from incidents.intake.schemas import IncidentCreate
from incidents.intake.writes import Claim
from incidents.public.schemas import (
    STATUS_NAMES,
    PublicReceiptOut,
    PublicReport,
    PublicStatusOut,
)
from incidents.tables import idempotency_keys
from pingan_shared.auth import Principal
from pingan_shared.db import TransactionDep
from pingan_shared.errors import ProblemError, not_found, problem_responses
from pingan_shared.idempotency import (
    IdempotencyKeyHeader,
    StoredResponse,
    replay_stored,
    request_hash,
)
from pingan_shared.ratelimit import within_limit

router = APIRouter(prefix="/v1/public/reports", tags=["public"])
CREATE = "public_reports_create"
HOUR = 3600

STATUS = """
SELECT i.id, i.status::text AS status, c.name AS category_name, i.area_code,
       i.created_at, i.updated_at
FROM public_receipts AS r
JOIN incidents AS i ON i.id = r.incident_id
JOIN categories AS c ON c.code = i.category
WHERE r.receipt_hash = $1
"""


PUBLIC_REPORTER = "public"


def _hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def _pseudonym(request: Request) -> str:
    """The client's address, keyed-hashed: enough to count and to tell retries apart, and
    useless to anyone who reads the rate-limit or idempotency records."""
    address = request.client.host if request.client else "unknown"
    secret = request.app.state.settings.jwt_secret.get_secret_value().encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


@router.post(
    "",
    name=CREATE,
    summary="A resident reports an incident, anonymously if they wish (群众上报)",
    status_code=201,
    response_model=PublicReceiptOut,
    responses=problem_responses(409, 422, 429),
)
async def create_public_report(
    body: PublicReport,
    request: Request,
    conn: TransactionDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record a resident's report; no account is needed. The answer carries a receipt code,
    shown only here, with which the resident follows the report. Each address may report a
    limited number of times an hour (429 past it)."""
    client = _pseudonym(request)
    claim = None
    if idempotency_key is not None:
        body_hash = request_hash(body)
        claim = Claim(f"public:{client}", CREATE, idempotency_key, body_hash)
        # A phone retrying after a dead zone is answered before the limit counts it again.
        stored = await idempotency_keys.peek(
            conn,
            principal=claim.principal,
            operation=CREATE,
            key=idempotency_key,
            body_hash=body_hash,
        )
        if stored is not None:
            return replay_stored(stored, response)
    limit = request.app.state.settings.public_reports_per_hour
    if not await within_limit(request.app.state.redis, f"public-report:{client}", limit, HOUR):
        raise ProblemError(
            429,
            "too-many-reports",
            "too many reports from this address; try again later",
            headers={"Retry-After": str(HOUR)},
        )
    report = IncidentCreate.model_validate({**body.model_dump(), "source": Source.resident})
    if report.area_code is None:
        report = report.model_copy(
            update={"area_code": await service.area_of_location(conn, report)}
        )
    assert report.area_code is not None
    # Anonymous means anonymous: the incident and its timeline name no one, not even an address.
    principal = Principal(sub=PUBLIC_REPORTER, areas=(report.area_code,))
    receipt = secrets.token_urlsafe(18)

    def answer(record: IncidentRecord, category_name: str) -> PublicReceiptOut:
        return PublicReceiptOut(
            receipt=receipt,
            incident_id=record.id,
            status=record.status,
            status_name=STATUS_NAMES[record.status],
            category_name=category_name,
            reported_at=record.created_at,
        )

    outcome = await service.report(conn, report, principal, claim, answer)
    if isinstance(outcome, StoredResponse):
        return replay_stored(outcome, response)
    await conn.execute(
        "INSERT INTO public_receipts (receipt_hash, incident_id) VALUES ($1, $2)",
        _hash(receipt),
        outcome.incident.id,
    )
    content = outcome.answer or answer(outcome.incident, outcome.category_name).model_dump_json()
    return Response(content, 201, media_type="application/json")


@router.get(
    "/{receipt}",
    name="public_reports_status",
    summary="Where a resident's report stands, by receipt (上报进度查询)",
    response_model=PublicStatusOut,
    responses=problem_responses(404, 422),
)
async def public_report_status(
    receipt: Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
    conn: TransactionDep,
) -> PublicStatusOut:
    """The status of the report this receipt was given for; 404 for an unknown receipt."""
    row = await conn.fetchrow(STATUS, _hash(receipt))
    if row is None:
        raise not_found("report")
    status = IncidentStatus(row["status"])
    return PublicStatusOut(
        incident_id=uuid.UUID(str(row["id"])),
        status=status,
        status_name=STATUS_NAMES[status],
        category_name=row["category_name"],
        area_code=row["area_code"],
        reported_at=row["created_at"],
        updated_at=row["updated_at"],
    )
