"""A round's results: scores and ranks, one unit's provenance, bulletin versions, and the exports
(ranking XLSX, ranking chart PNG, bulletin DOCX)."""

from __future__ import annotations

import uuid
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse

from assessment.rounds import results
from assessment.rounds.access import ReaderDep
from assessment.rounds.bulletin_doc import bulletin_docx
from assessment.rounds.charts import ChartUnit, ranking_png
from assessment.rounds.docx import DOCX
from assessment.rounds.exports import ranking_xlsx
from assessment.rounds.presenter import present_bulletin_summary
from assessment.rounds.schemas import BulletinOut, BulletinSummary, UnitScoreOut
from assessment.rounds.scores import ranking_batches, ranking_key, ranking_page
from assessment.units.models import UnitKind
from assessment.units.schemas import KIND_DESCRIPTION
from pingan_shared.db import DatabaseDep, SessionDep
from pingan_shared.errors import not_found, problem_responses
from pingan_shared.pagination import Page, PageParams, encode_cursor, page_params
from pingan_shared.spreadsheet_exports import XLSX_MEDIA_TYPE, attachment, file_chunks

router = APIRouter(prefix="/v1/rounds/{round_id}", tags=["rounds"])
READ_ERRORS = problem_responses(401, 403, 404, 422)
KindQuery = Annotated[UnitKind | None, Query(description=KIND_DESCRIPTION)]
MAX_CHART_UNITS = 20000


@router.get(
    "/scores",
    name="assessment_scores_list",
    summary="A round's scores and ranks (得分与排名)",
    response_model=Page[UnitScoreOut],
    responses=READ_ERRORS,
)
async def list_scores(
    round_id: uuid.UUID,
    session: SessionDep,
    principal: ReaderDep,
    page: Annotated[PageParams, Depends(page_params)],
    kind: KindQuery = None,
) -> Page[UnitScoreOut]:
    """Units by kind, ranking area and rank (within their kind and area). Before publication
    only the assessment office reads them (403); then leaders, inspectors and systems read the
    units in their areas and a unit contact its own."""
    readable = await results.readable_scores(session, principal, round_id, kind=kind)
    after = results.ranking_cursor(page.after)
    rows = await ranking_page(session, readable.query, after, page.limit + 1)
    shown = rows[: page.limit]
    next_cursor = encode_cursor(ranking_key(shown[-1])) if len(rows) > page.limit else None
    return Page[UnitScoreOut](items=[results.score_out(r) for r in shown], next_cursor=next_cursor)


@router.get(
    "/scores/{unit_id}",
    name="assessment_scores_get",
    summary="A unit's score with the provenance of every number (得分明细)",
    response_model=UnitScoreOut,
    responses=READ_ERRORS,
)
async def get_score(
    round_id: uuid.UUID, unit_id: uuid.UUID, session: SessionDep, principal: ReaderDep
) -> UnitScoreOut:
    """Per indicator: the points, the deduction and where it came from (finding ids, incident
    counts by category, survey samples and interval, hand scores); per block; bonus awards;
    confirmed vetoes; indicators not applicable; surveys still inconclusive."""
    readable = await results.readable_scores(
        session, principal, round_id, unit_id=unit_id, with_details=True
    )
    rows = await ranking_page(session, readable.query, None, 1)
    if not rows:
        raise not_found("score")
    return await results.unit_score(session, readable, rows[0])


@router.get(
    "/ranking.xlsx",
    name="assessment_ranking_xlsx",
    summary="The ranking as an XLSX workbook (排名表)",
    response_class=StreamingResponse,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, **READ_ERRORS},
)
async def ranking_workbook(
    round_id: uuid.UUID, database: DatabaseDep, principal: ReaderDep, kind: KindQuery = None
) -> StreamingResponse:
    """Every unit the caller may read, in ranking order, written as the rows arrive."""
    async with database.session() as session:
        readable = await results.readable_scores(session, principal, round_id, kind=kind)
    workbook = await ranking_xlsx(ranking_batches(database, readable.query))
    return StreamingResponse(
        file_chunks(workbook), media_type=XLSX_MEDIA_TYPE, headers=attachment("ranking.xlsx")
    )


@router.get(
    "/ranking.png",
    name="assessment_ranking_png",
    summary="The ranking as a chart (排名图)",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **READ_ERRORS},
)
async def ranking_chart(
    round_id: uuid.UUID, database: DatabaseDep, principal: ReaderDep, kind: KindQuery = None
) -> Response:
    """Bars of the units' totals coloured by rating (the highest and lowest 20 when there are
    more than 40), with the rating bands' minimums."""
    async with database.session() as session:
        readable = await results.readable_scores(session, principal, round_id, kind=kind)
    units: list[ChartUnit] = []
    async for batch in ranking_batches(database, readable.query):
        units += [ChartUnit(r["name"], float(r["total"]), r["rating"]) for r in batch]
    scheme = readable.scheme
    bands = [(str(b["name"]), float(b["min"])) for b in scheme.rating_bands]
    title = readable.round.name + (f" · {kind}" if kind else "")
    png = await anyio.to_thread.run_sync(
        ranking_png, title, units[:MAX_CHART_UNITS], bands, scheme.failing_band
    )
    return Response(png, media_type="image/png")


@router.get(
    "/bulletins",
    name="assessment_bulletins_list",
    summary="A round's bulletin versions (通报版本)",
    response_model=list[BulletinSummary],
    responses=READ_ERRORS,
)
async def list_bulletins(
    round_id: uuid.UUID, session: SessionDep, principal: ReaderDep
) -> list[BulletinSummary]:
    """Every version, oldest first; a correction's reason beside it."""
    return [
        present_bulletin_summary(b)
        for b in await results.bulletin_versions(session, principal, round_id)
    ]


@router.get(
    "/bulletins/{version}.docx",
    name="assessment_bulletins_docx",
    summary="A bulletin version as a Word document (通报文件)",
    response_class=Response,
    responses={200: {"content": {DOCX: {}}}, **READ_ERRORS},
)
async def bulletin_document(
    round_id: uuid.UUID, version: int, session: SessionDep, principal: ReaderDep
) -> Response:
    """The document the town prints, narrowed to what the caller may read."""
    _, out = await results.readable_bulletin(session, principal, round_id, version)
    document = await anyio.to_thread.run_sync(bulletin_docx, out.content)
    return Response(document, media_type=DOCX, headers=attachment(f"bulletin-v{version}.docx"))


@router.get(
    "/bulletins/{version}",
    name="assessment_bulletins_get",
    summary="Read a bulletin version (通报)",
    response_model=BulletinOut,
    responses=READ_ERRORS,
)
async def get_bulletin(
    round_id: uuid.UUID, version: int, session: SessionDep, principal: ReaderDep
) -> BulletinOut:
    """Scores, ranks, ratings, commendations, carried deductions and accountability as published
    (earlier versions stay readable), narrowed to the units in the caller's areas."""
    _, out = await results.readable_bulletin(session, principal, round_id, version)
    return out
