"""Queries on schemes: a version and its tree written and read as a whole, versions listed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from assessment.schemes.models import BonusItem, Indicator, Scheme, SchemeBlock, VetoCondition


@dataclass(frozen=True, slots=True)
class SchemeTree:
    """A scheme version and everything it is made of, in their positions."""

    scheme: Scheme
    blocks: list[SchemeBlock]
    indicators: list[Indicator]
    bonus_items: list[BonusItem]
    veto_conditions: list[VetoCondition]


async def add_tree(session: AsyncSession, tree: SchemeTree) -> None:
    """Insert a scheme version with its blocks (parents first), indicators, bonuses, vetoes."""
    session.add(tree.scheme)
    await session.flush()
    # Parents before children: the blocks' self-reference is checked row by row.
    session.add_all(tree.blocks)
    await session.flush()
    session.add_all([*tree.indicators, *tree.bonus_items, *tree.veto_conditions])
    await session.flush()
    await session.refresh(tree.scheme)


async def replace_parts(session: AsyncSession, tree: SchemeTree) -> None:
    """Replace an unlocked scheme's parts with `tree`'s (its row keeps its id and version)."""
    scheme_id = tree.scheme.id
    for table in (Indicator, BonusItem, VetoCondition, SchemeBlock):
        await session.execute(delete(table).where(col(table.scheme_id) == scheme_id))
    await session.flush()
    session.add_all(tree.blocks)
    await session.flush()
    session.add_all([*tree.indicators, *tree.bonus_items, *tree.veto_conditions])
    await session.flush()


async def get_scheme(
    session: AsyncSession, scheme_id: uuid.UUID, *, for_update: bool = False
) -> Scheme | None:
    """One scheme version by id, row-locked against a round locking it meanwhile if asked."""
    query = select(Scheme).where(col(Scheme.id) == scheme_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def load_tree(session: AsyncSession, scheme: Scheme) -> SchemeTree:
    """The parts of a scheme version, each in its position."""
    blocks = await session.execute(
        select(SchemeBlock)
        .where(col(SchemeBlock.scheme_id) == scheme.id)
        .order_by(col(SchemeBlock.position))
    )
    indicators = await session.execute(
        select(Indicator)
        .where(col(Indicator.scheme_id) == scheme.id)
        .order_by(col(Indicator.position))
    )
    bonus = await session.execute(
        select(BonusItem).where(col(BonusItem.scheme_id) == scheme.id).order_by(col(BonusItem.code))
    )
    vetoes = await session.execute(
        select(VetoCondition)
        .where(col(VetoCondition.scheme_id) == scheme.id)
        .order_by(col(VetoCondition.code))
    )
    return SchemeTree(
        scheme,
        list(blocks.scalars()),
        list(indicators.scalars()),
        list(bonus.scalars()),
        list(vetoes.scalars()),
    )


async def latest_version(session: AsyncSession, code: str) -> int | None:
    """The highest version number of a scheme code, if it has any."""
    return await session.scalar(
        select(func.max(col(Scheme.version))).where(col(Scheme.code) == code)
    )


async def lock(session: AsyncSession, scheme_id: uuid.UUID) -> None:
    """Mark a scheme version as run on: it never changes again."""
    await session.execute(update(Scheme).where(col(Scheme.id) == scheme_id).values(locked=True))


async def list_schemes(
    session: AsyncSession,
    *,
    code: str | None,
    kind: str | None,
    after: tuple[str, int] | None,
    limit: int,
) -> Sequence[Scheme]:
    """Scheme versions by (code, version), after the cursor."""
    query = select(Scheme)
    if code is not None:
        query = query.where(col(Scheme.code) == code)
    if kind is not None:
        query = query.where(func.array_position(col(Scheme.unit_kinds), kind).is_not(None))
    if after is not None:
        query = query.where(tuple_(col(Scheme.code), col(Scheme.version)) > tuple_(*after))
    query = query.order_by(col(Scheme.code), col(Scheme.version)).limit(limit)
    return list((await session.execute(query)).scalars())
