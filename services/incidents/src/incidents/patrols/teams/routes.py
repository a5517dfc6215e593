"""`/v1/patrols/teams` and `/v1/patrols/members`: teams (巡防队/护村队) and their members."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from incidents.patrols.access import ManagerDep, PatrolReaderDep, own_team_ids, visible_team
from incidents.patrols.models import PatrolTeam, TeamKind
from incidents.patrols.paging import next_cursor, read_cursor
from incidents.patrols.teams import repository, service
from incidents.patrols.teams.presenter import present_member, present_team
from incidents.patrols.teams.schemas import (
    MemberCreate,
    MemberOut,
    MemberUpdate,
    TeamCreate,
    TeamOut,
    TeamUpdate,
)
from incidents.tables import idempotency_keys
from pingan_shared.auth import effective_areas
from pingan_shared.concurrency import IfMatchHeader, set_etag
from pingan_shared.db import SessionDep
from pingan_shared.errors import problem_responses
from pingan_shared.idempotency import IdempotencyKeyHeader, KeyedCreate
from pingan_shared.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/v1/patrols", tags=["patrols"])
CREATE_TEAM = "patrols_team_create"
CREATE_MEMBER = "patrols_member_create"
AreaQuery = Annotated[
    str | None, Query(pattern=r"^\d{1,20}$", description="Only what lies inside this area code")
]


@router.post(
    "/teams",
    name=CREATE_TEAM,
    summary="Create a patrol or village guard team (新建义务巡防队/护村队)",
    status_code=201,
    response_model=TeamOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_team(
    body: TeamCreate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Create a team in the caller's areas, with its first members and leader."""
    keyed = KeyedCreate(
        idempotency_keys, session, principal.sub, CREATE_TEAM, idempotency_key, body
    )
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    team, members = await service.create_team(session, body, principal)
    out = present_team(team, sorted(members, key=lambda m: (m.name, m.id)), principal)
    response.headers["Location"] = f"/v1/patrols/teams/{team.id}"
    set_etag(response, team.version)
    await keyed.record(out, status_code=201)
    return out


@router.get(
    "/teams",
    name="patrols_team_list",
    summary="List patrol and village guard teams (巡防队列表)",
    response_model=Page[TeamOut],
    responses=problem_responses(401, 403, 422),
)
async def list_teams(
    session: SessionDep,
    principal: PatrolReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    area: AreaQuery = None,
    kind: Annotated[TeamKind | None, Query(description="Only teams of this kind")] = None,
    active: Annotated[bool | None, Query(description="Only active (or inactive) teams")] = None,
) -> Page[TeamOut]:
    """Teams in the caller's areas (a patrol member: their own teams), by area and name."""
    after = read_cursor(page.after, (str, str, uuid.UUID))
    teams = await repository.list_teams(
        session,
        effective_areas(area, principal.areas),
        kind=kind,
        active=active,
        team_ids=await own_team_ids(session, principal),
        after=after,
        limit=page.limit + 1,
    )
    members = await repository.members_by_team(session, [t.id for t in teams[: page.limit]])

    def key(team: PatrolTeam) -> tuple[str, str, uuid.UUID]:
        return (team.area_code, team.name, team.id)

    return Page(
        items=[present_team(t, members.get(t.id, []), principal) for t in teams[: page.limit]],
        next_cursor=next_cursor(teams, page.limit, key),
    )


@router.get(
    "/teams/{team_id}",
    name="patrols_team_get",
    summary="Read a team and its members (巡防队详情)",
    response_model=TeamOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_team(
    team_id: uuid.UUID, session: SessionDep, principal: PatrolReaderDep, response: Response
) -> TeamOut:
    """One team with its members; 404 outside the caller's areas or teams."""
    team = await visible_team(session, principal, team_id)
    set_etag(response, team.version)
    return present_team(team, await repository.members_of(session, team.id), principal)


@router.patch(
    "/teams/{team_id}",
    name="patrols_team_update",
    summary="Change a team: name, leader, active (修改巡防队)",
    response_model=TeamOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def update_team(
    team_id: uuid.UUID,
    body: TeamUpdate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> TeamOut:
    """Change a team at the version named by `If-Match`."""
    team = await service.update_team(session, team_id, body, if_match, principal)
    set_etag(response, team.version)
    return present_team(team, await repository.members_of(session, team.id), principal)


@router.post(
    "/teams/{team_id}/members",
    name=CREATE_MEMBER,
    summary="Add a member to a team (新增队员)",
    status_code=201,
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_member(
    team_id: uuid.UUID,
    body: MemberCreate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Add a volunteer to a team in the caller's areas."""
    operation = f"{CREATE_MEMBER}:{team_id}"  # a key names one create in one team
    keyed = KeyedCreate(idempotency_keys, session, principal.sub, operation, idempotency_key, body)
    if (replayed := await keyed.replay(response)) is not None:
        return replayed
    member = await service.add_member(session, team_id, body, principal)
    out = present_member(member, False, principal)
    set_etag(response, member.version)
    await keyed.record(out, status_code=201)
    return out


@router.patch(
    "/members/{member_id}",
    name="patrols_member_update",
    summary="Change a member (修改队员)",
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def update_member(
    member_id: uuid.UUID,
    body: MemberUpdate,
    session: SessionDep,
    principal: ManagerDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MemberOut:
    """Change a member at the version named by `If-Match`; making the leader inactive leaves
    the team without a leader."""
    member, team = await service.update_member(session, member_id, body, if_match, principal)
    set_etag(response, member.version)
    return present_member(member, member.id == team.leader_id, principal)
