"""`/v1/patrols/logs`: patrol logs from phones (巡防记录) — check-in, track, check-out, findings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from incidents.patrols.access import LoggerDep, PatrolReaderDep, own_team_ids
from incidents.patrols.logs import repository, service
from incidents.patrols.logs.presenter import present_finding, present_log, present_log_detail
from incidents.patrols.logs.schemas import (
    CheckIn,
    CheckOut,
    FindingCreate,
    FindingOut,
    LogDetail,
    LogOut,
    TrackBatch,
    TrackOut,
)
from incidents.patrols.models import PatrolLog
from incidents.patrols.paging import next_cursor, read_cursor
from incidents.tables import idempotency_keys
from pingan_shared.auth import effective_areas
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/v1/patrols/logs", tags=["patrols"])
CHECK_IN = "patrols_log_check_in"
TRACK = "patrols_log_track"
CHECK_OUT = "patrols_log_check_out"
FINDING = "patrols_finding_create"


@router.post(
    "",
    name=CHECK_IN,
    summary="Check in: start a patrol (巡防签到)",
    status_code=201,
    response_model=LogOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def check_in(
    body: CheckIn,
    session: SessionDep,
    principal: LoggerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """A member of the caller's own team starts a patrol; the answer's `id` is the log id.
    A member already on patrol must check out first (409)."""
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, CHECK_IN, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    log = await service.check_in(session, body, principal)
    names = await repository.member_names(session, [log.member_id])
    out = present_log(log, names[log.member_id])
    response.headers["Location"] = f"/v1/patrols/logs/{log.id}"
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "",
    name="patrols_log_list",
    summary="List patrol logs (巡防记录列表)",
    response_model=Page[LogOut],
    responses=problem_responses(401, 403, 422),
)
async def list_logs(
    session: SessionDep,
    principal: PatrolReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    area: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="Only logs inside this area")
    ] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Only this team's logs")] = None,
    period_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="Started at or after this")
    ] = None,
    period_to: Annotated[
        AwareDatetime | None, Query(alias="to", description="Started before this")
    ] = None,
    open_only: Annotated[
        bool | None, Query(alias="open", description="Only patrols under way (or ended)")
    ] = None,
) -> Page[LogOut]:
    """Logs in the caller's areas (a patrol member: their teams'), newest first."""
    teams = await own_team_ids(session, principal)
    if team_id is not None:
        teams = {team_id} if teams is None else {team_id} & teams
    logs = await repository.list_logs(
        session,
        effective_areas(area, principal.areas),
        team_ids=teams,
        start=period_from,
        end=period_to,
        open_only=open_only,
        after=read_cursor(page.after, (datetime, uuid.UUID)),
        limit=page.limit + 1,
    )
    shown = logs[: page.limit]
    names = await repository.member_names(session, {log.member_id for log in shown})

    def key(log: PatrolLog) -> tuple[str, uuid.UUID]:
        return (log.started_at.isoformat(), log.id)

    return Page(
        items=[present_log(log, names[log.member_id]) for log in shown],
        next_cursor=next_cursor(logs, page.limit, key),
    )


@router.get(
    "/{log_id}",
    name="patrols_log_get",
    summary="Read a patrol log with its track and findings (巡防记录详情)",
    response_model=LogDetail,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_log(log_id: uuid.UUID, session: SessionDep, principal: PatrolReaderDep) -> LogDetail:
    """One log with its track points and findings; 404 outside the caller's areas or teams."""
    log = await service.visible_log(session, principal, log_id)
    names = await repository.member_names(session, [log.member_id])
    return present_log_detail(
        log,
        names[log.member_id],
        await repository.track_of(session, log.id),
        await repository.findings_of(session, log.id),
    )


@router.post(
    "/{log_id}/track",
    name=TRACK,
    summary="Upload track points (上传巡逻轨迹)",
    response_model=TrackOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_track(
    log_id: uuid.UUID,
    body: TrackBatch,
    session: SessionDep,
    principal: LoggerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Store a batch of track points; a point whose time the log has already is skipped, so a
    phone may resend a batch after a dead zone."""
    log = await service.own_log(session, principal, log_id)
    keyed = KeyedCreate(
        idempotency_keys, session, principal.sub, f"{TRACK}:{log.id}", idempotency_key, body
    )
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    stored, total = await service.add_track(session, log, body)
    out = TrackOut(log_id=log.id, received=len(body.points), stored=stored, total=total)
    await keyed.record(out, status_code=200)
    return out


@router.post(
    "/{log_id}/check-out",
    name=CHECK_OUT,
    summary="Check out: end a patrol (巡防签退)",
    response_model=LogOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def check_out(
    log_id: uuid.UUID,
    body: CheckOut,
    session: SessionDep,
    principal: LoggerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """End the patrol; sending the same check-out again answers the same, another is a 409."""
    log = await service.own_log(session, principal, log_id)
    keyed = KeyedCreate(
        idempotency_keys, session, principal.sub, f"{CHECK_OUT}:{log.id}", idempotency_key, body
    )
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    log = await service.check_out(session, log, body)
    names = await repository.member_names(session, [log.member_id])
    out = present_log(log, names[log.member_id])
    await keyed.record(out, status_code=200)
    return out


@router.post(
    "/{log_id}/findings",
    name=FINDING,
    summary="Record a finding, optionally reporting it as an incident (巡防发现/上报)",
    status_code=201,
    response_model=FindingOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def add_finding(
    log_id: uuid.UUID,
    body: FindingCreate,
    session: SessionDep,
    principal: LoggerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record what was seen; with `report: true` it also becomes an incident (source `patrol`)
    in the patrol's area, and the answer carries its `incident_id`."""
    log = await service.own_log(session, principal, log_id)
    keyed = KeyedCreate(
        idempotency_keys, session, principal.sub, f"{FINDING}:{log.id}", idempotency_key, body
    )
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    out = present_finding(await service.add_finding(session, log, body, principal))
    await keyed.record(out, status_code=201)
    return out
