"""A scheme's content as rows to store, and stored rows as the API shows them."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from assessment.schemes.models import (
    BonusItem,
    Indicator,
    Measure,
    Scheme,
    SchemeBlock,
    VetoCondition,
)
from assessment.schemes.repository import SchemeTree
from assessment.schemes.schemas import (
    BlockIn,
    BlockOut,
    BonusItemOut,
    IndicatorOut,
    RatingBand,
    SchemeIn,
    SchemeOut,
    SchemeSummary,
    VetoConditionOut,
)
from assessment.units.models import UnitKind


def scheme_columns(content: SchemeIn) -> dict[str, Any]:
    """The scheme row's own columns of `content`."""
    return {
        "name": content.name,
        "period": content.period,
        "unit_kinds": list(dict.fromkeys(str(k) for k in content.unit_kinds)),
        "full_score": content.full_score,
        "bonus_cap": content.bonus_cap,
        "unfixed_multiplier": content.unfixed_multiplier,
        "rating_bands": [b.model_dump(mode="json") for b in content.rating_bands],
        "failing_band": content.failing_band,
    }


def new_scheme(code: str, version: int, content: SchemeIn) -> Scheme:
    """A scheme row for a new version."""
    return Scheme(code=code, version=version, **scheme_columns(content))


def build_tree(scheme: Scheme, content: SchemeIn) -> SchemeTree:
    """The rows of `content` under `scheme` (whose own columns are set from it too)."""
    for name, value in scheme_columns(content).items():
        setattr(scheme, name, value)
    blocks: list[SchemeBlock] = []
    indicators: list[Indicator] = []

    def add(block: BlockIn, parent_id: uuid.UUID | None) -> None:
        row = SchemeBlock(
            scheme_id=scheme.id,
            parent_id=parent_id,
            code=block.code,
            name=block.name,
            max_points=block.max_points,
            cap=block.cap,
            position=len(blocks),
        )
        blocks.append(row)
        for indicator in block.indicators:
            indicators.append(
                Indicator(
                    scheme_id=scheme.id,
                    block_id=row.id,
                    code=indicator.code,
                    name=indicator.name,
                    max_points=indicator.max_points,
                    measure=indicator.measure,
                    rule=indicator.rule.model_dump(mode="json", exclude_none=True),
                    applicable_kinds=(
                        [str(k) for k in indicator.applicable_kinds]
                        if indicator.applicable_kinds
                        else None
                    ),
                    position=len(indicators),
                )
            )
        for child in block.blocks:
            add(child, row.id)

    for block in content.blocks:
        add(block, None)
    bonus = [
        BonusItem(scheme_id=scheme.id, code=b.code, name=b.name, max_points=b.max_points)
        for b in content.bonus_items
    ]
    vetoes = [
        VetoCondition(
            scheme_id=scheme.id,
            code=v.code,
            name=v.name,
            incident_categories=v.incident_categories,
        )
        for v in content.veto_conditions
    ]
    return SchemeTree(scheme, blocks, indicators, bonus, vetoes)


def present_summary(scheme: Scheme) -> SchemeSummary:
    """A scheme version as a list shows it."""
    assert isinstance(scheme.created_at, datetime)
    return SchemeSummary(
        id=scheme.id,
        code=scheme.code,
        version=scheme.version,
        name=scheme.name,
        period=scheme.period,
        unit_kinds=[UnitKind(k) for k in scheme.unit_kinds],
        full_score=scheme.full_score,
        locked=scheme.locked,
        created_at=scheme.created_at,
    )


def present_scheme(tree: SchemeTree) -> SchemeOut:
    """A scheme version with its whole tree."""
    by_block: dict[uuid.UUID, list[IndicatorOut]] = defaultdict(list)
    for i in tree.indicators:
        by_block[i.block_id].append(
            IndicatorOut(
                id=i.id,
                code=i.code,
                name=i.name,
                max_points=i.max_points,
                measure=Measure(i.measure),
                rule=i.rule,
                applicable_kinds=[UnitKind(k) for k in i.applicable_kinds]
                if i.applicable_kinds
                else None,
            )
        )
    children: dict[uuid.UUID | None, list[SchemeBlock]] = defaultdict(list)
    for b in tree.blocks:
        children[b.parent_id].append(b)

    def block_out(block: SchemeBlock) -> BlockOut:
        return BlockOut(
            id=block.id,
            code=block.code,
            name=block.name,
            max_points=block.max_points,
            cap=block.cap,
            indicators=by_block[block.id],
            blocks=[block_out(c) for c in children[block.id]],
        )

    scheme = tree.scheme
    summary = present_summary(scheme)
    return SchemeOut(
        **summary.model_dump(),
        bonus_cap=scheme.bonus_cap,
        unfixed_multiplier=scheme.unfixed_multiplier,
        rating_bands=[RatingBand.model_validate(b) for b in scheme.rating_bands],
        failing_band=scheme.failing_band,
        blocks=[block_out(b) for b in children[None]],
        bonus_items=[
            BonusItemOut(id=b.id, code=b.code, name=b.name, max_points=b.max_points)
            for b in tree.bonus_items
        ],
        veto_conditions=[
            VetoConditionOut(
                id=v.id, code=v.code, name=v.name, incident_categories=v.incident_categories
            )
            for v in tree.veto_conditions
        ],
    )


def as_content(scheme: SchemeOut) -> SchemeIn:
    """A stored scheme's content (without ids), to copy into a new version."""
    data = scheme.model_dump(mode="json", exclude={"id", "code", "version", "locked", "created_at"})

    def strip(block: dict[str, Any]) -> None:
        block.pop("id", None)
        for indicator in block["indicators"]:
            indicator.pop("id", None)
        for child in block["blocks"]:
            strip(child)

    for block in data["blocks"]:
        strip(block)
    for part in (*data["bonus_items"], *data["veto_conditions"]):
        part.pop("id", None)
    return SchemeIn.model_validate(data)


def scheme_etag(scheme: SchemeOut) -> str:
    """The ETag of a scheme version's content: changes whenever any part of it changes."""
    content = as_content(scheme).model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:20]}"'
