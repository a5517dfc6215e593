"""Messages about rectifications and inspection schedules, sent through notify via the outbox.

Who is told:
- a unit's contact person hears of its rectifications (整改通知) and their reminders;
- an overdue rectification is escalated (督办) to the unit's leaders as the assessment service
  knows them: the contact of its parent unit, else of the community or village committee
  (社区居委会 / 村委会) whose area holds the unit — the assessment service keeps no other
  contacts of area leaders;
- inspectors of a schedule hear that a regular inspection is due; an inspector's account id is
  their WeCom user id (企业微信账号), so the message goes by WeCom application message.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.tables import infrastructure
from assessment.units.models import Unit, UnitKind
from pingan_shared.contracts.messages import (
    SEND_MESSAGE_JOB,
    Channel,
    Priority,
    Recipient,
    SendMessage,
)
from pingan_shared.outbox import add_job
from pingan_shared.queue import NOTIFY_QUEUE

TEMPLATE = "generic_text"
SOURCE = "assessment"
COMMITTEES = (UnitKind.community, UnitKind.village)
KIND_NAMES = {
    UnitKind.institution: "平安单位",
    UnitKind.residential_compound: "平安小区",
    UnitKind.campus: "平安校园",
    UnitKind.market: "平安市场",
    UnitKind.family: "平安家庭",
    UnitKind.community: "社区",
    UnitKind.village: "村委会",
}
log = structlog.get_logger(__name__)


def contact_of(unit: Unit) -> Recipient:
    """A unit's contact person as a recipient."""
    return Recipient(
        name=unit.contact_name, phone=unit.contact_phone, wecom_user_id=unit.contact_wecom_user_id
    )


def inspector_recipients(accounts: Sequence[str]) -> list[Recipient]:
    """Inspectors by their account ids, which are their WeCom user ids."""
    return [Recipient(wecom_user_id=account[:64]) for account in dict.fromkeys(accounts)]


async def leaders_of(session: AsyncSession, unit: Unit) -> list[Recipient]:
    """Whom an overdue rectification of `unit` is escalated to (see the module's docstring)."""
    if unit.parent_unit_id is not None:
        parent = await session.get(Unit, unit.parent_unit_id)
        if parent is not None:
            return [contact_of(parent)]
    # The committee of the deepest area holding the unit: its area code is a prefix of the unit's.
    query = (
        select(Unit)
        .where(
            col(Unit.kind).in_(COMMITTEES),
            col(Unit.id) != unit.id,
            func.starts_with(unit.area_code, col(Unit.area_code)),
        )
        .order_by(func.length(col(Unit.area_code)).desc(), col(Unit.name))
    )
    committees = list((await session.execute(query)).scalars())
    deepest = (
        [c for c in committees if c.area_code == committees[0].area_code] if committees else []
    )
    return [contact_of(c) for c in deepest]


async def send(
    session: AsyncSession,
    key: str,
    text: str,
    recipients: Sequence[Recipient],
    *,
    priority: Priority = Priority.routine,
    channels: Sequence[Channel] | None = None,
) -> bool:
    """Queue one message in the outbox, in the caller's transaction; False when nobody to tell."""
    if not recipients:
        log.warning("assessment_nobody_to_tell", message_key=key)
        return False
    message = SendMessage(
        message_key=key,
        template=TEMPLATE,
        params={"text": text},
        recipients=list(recipients),
        priority=priority,
        source=SOURCE,
    )
    if channels is not None:
        message.channels = list(channels)
    await add_job(
        session, infrastructure.outbox, queue=NOTIFY_QUEUE, job=SEND_MESSAGE_JOB, payload=message
    )
    return True
