"""Telling units and their areas' leaders about a bulletin, through notify via the outbox.

Each unit's contact hears its own result. Leaders, as the assessment service knows them, are
the contacts of the units' parent units, else of the community or village committee (社区居委会 /
村委会) of the deepest area holding the unit; each hears one summary of the units under them.
A correction tells only the units whose result changed, and their leaders.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.notices import KIND_NAMES, SOURCE, TEMPLATE
from assessment.rounds.scores import RankedUnit
from assessment.tables import infrastructure
from assessment.units.models import UnitKind
from pingan_shared.contracts.messages import SEND_MESSAGE_JOB, Recipient, SendMessage
from pingan_shared.db import driver_connection
from pingan_shared.queue import NOTIFY_QUEUE


def kind_name(kind: str) -> str:
    """A unit kind's Chinese name (平安校园)."""
    try:
        return KIND_NAMES[UnitKind(kind)]
    except (KeyError, ValueError):
        return kind


LISTED_PER_LEADER = 20
CONTACTS_SQL = """
SELECT id, kind::text AS kind, area_code, name, contact_name, contact_phone,
       contact_wecom_user_id, parent_unit_id
FROM units
WHERE id = ANY($1::uuid[])
   OR id IN (SELECT parent_unit_id FROM units WHERE id = ANY($1::uuid[]))
   OR (kind::text IN ('community', 'village')
       AND (area_code LIKE $2 || '%' OR starts_with($2, area_code)))
"""


def _recipient(row: Any) -> Recipient:
    return Recipient(
        name=row["contact_name"],
        phone=row["contact_phone"],
        wecom_user_id=row["contact_wecom_user_id"],
    )


def _unit_text(title: str, r: RankedUnit, correction: str | None) -> str:
    kind = kind_name(r.unit.kind)
    text = (
        f"【平安】{title}：{r.unit.name}得分{r.result.total}，等次{r.result.rating}，"
        f"在本片区{kind}中排名第{r.rank}名。"
    )
    if r.result.vetoed:
        text += "因一票否决事项，本轮考核不合格。"
    if correction:
        text += f"更正原因：{correction}"
    return text


def _leader_text(title: str, units: Sequence[RankedUnit]) -> str:
    ratings = "，".join(
        f"{name}{n}个" for name, n in Counter(r.result.rating for r in units).items()
    )
    shown = sorted(units, key=lambda r: (r.result.total, r.unit.name))[:LISTED_PER_LEADER]
    lines = "；".join(f"{r.unit.name}{r.result.total}分({r.result.rating})" for r in shown)
    more = f"等{len(units)}个单位" if len(units) > len(shown) else ""
    return (
        f"【平安】{title}：您联系的{len(units)}个单位参评，{ratings}。得分由低到高：{lines}{more}。"
    )


async def tell_about_bulletin(
    session: AsyncSession,
    *,
    bulletin_id: uuid.UUID,
    title: str,
    round_area: str,
    ranked: Sequence[RankedUnit],
    correction: str | None = None,
) -> int:
    """Queue one message per unit and one per leader; returns how many were queued."""
    if not ranked:
        return 0
    connection = await driver_connection(session)
    rows = await connection.fetch(CONTACTS_SQL, [r.unit.id for r in ranked], round_area)
    by_id = {row["id"]: row for row in rows}
    committees: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row["kind"] in ("community", "village"):
            committees[row["area_code"]].append(row)
    messages: list[SendMessage] = []
    under: dict[uuid.UUID, list[RankedUnit]] = defaultdict(list)
    for r in ranked:
        unit = by_id[r.unit.id]
        messages.append(
            _message(
                f"bulletin:{bulletin_id}:unit:{r.unit.id}",
                _unit_text(title, r, correction),
                [_recipient(unit)],
            )
        )
        leader = _leader_of(unit, by_id, committees)
        if leader is not None:
            under[leader].append(r)
    for leader_id, units in under.items():
        text = _leader_text(title, units)
        if correction:
            text += f"更正原因：{correction}"
        key = f"bulletin:{bulletin_id}:leader:{leader_id}"
        messages.append(_message(key, text, [_recipient(by_id[leader_id])]))
    values = [
        {"id": uuid.uuid4(), "queue": NOTIFY_QUEUE, "job": SEND_MESSAGE_JOB,
         "payload": m.model_dump(mode="json")}
        for m in messages
    ]  # fmt: skip
    await session.execute(insert(infrastructure.outbox), values)
    return len(values)


def _leader_of(
    unit: Any, by_id: dict[uuid.UUID, Any], committees: dict[str, list[Any]]
) -> uuid.UUID | None:
    parent = unit["parent_unit_id"]
    if parent is not None and parent in by_id:
        return uuid.UUID(str(parent))
    area = unit["area_code"]
    for length in range(len(area), 0, -1):
        # The committee of the deepest area holding the unit (not the unit itself).
        for committee in committees.get(area[:length], ()):
            if committee["id"] != unit["id"]:
                return uuid.UUID(str(committee["id"]))
    return None


def _message(key: str, text: str, recipients: list[Recipient]) -> SendMessage:
    return SendMessage(
        message_key=key,
        template=TEMPLATE,
        params={"text": text},
        recipients=recipients,
        source=SOURCE,
    )
