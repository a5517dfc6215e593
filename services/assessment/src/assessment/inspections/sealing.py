"""Sealed covert results (暗访结果密封): a hash commitment on submission, checked at the reveal.

On submission a covert inspection's result — its visit, notes, findings and evidence — is
written as canonical JSON (the audit log's: sorted keys, no spaces, UTF-8 kept) together with a
random 256-bit salt, and its SHA-256 is stored in `Inspection.commitment` and in the audit log's
`inspection.sealed` entry. The salt stays in the database, shown to nobody, so nobody can test a
guess of the content against the commitment. When the round's bulletin is published,
`reveal_round` recomputes every commitment from the rows as they are then: a finding edited
behind the service's back, or a commitment rewritten to match, no longer agrees with the
commitment or with the hash-chained audit entry, and the reveal says so loudly.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import canonical_json, normal_time, record
from assessment.inspections import repository
from assessment.inspections.models import Finding, Inspection
from assessment.inspections.rectifications import open_revealed_rectifications

log = structlog.get_logger(__name__)


def sealed_result(inspection: Inspection, findings: Sequence[Finding]) -> dict[str, Any]:
    """The result a covert inspection commits to: what was seen, not who later confirmed it."""
    return {
        "inspection": {
            "id": str(inspection.id),
            "round_id": str(inspection.round_id),
            "unit_id": str(inspection.unit_id),
            "kind": str(inspection.kind),
            "inspectors": list(inspection.inspectors),
            "inspected_at": normal_time(inspection.inspected_at),
            "lat": inspection.lat,
            "lon": inspection.lon,
            "notes": inspection.notes,
        },
        "findings": [
            {
                "id": str(f.id),
                "indicator_id": str(f.indicator_id),
                "faults": f.faults,
                "deduction": f"{f.deduction:.2f}",
                "note": f.note,
                "evidence": list(f.evidence),
                "author": f.author,
            }
            for f in sorted(findings, key=lambda f: str(f.id))
        ],
    }


def commitment(result: dict[str, Any], salt: str) -> str:
    """SHA-256 (hex) of the canonical JSON of the result and its salt."""
    sealed = canonical_json({"result": result, "salt": salt})
    return hashlib.sha256(sealed.encode("utf-8")).hexdigest()


def new_salt() -> str:
    """A random 256-bit salt, hex."""
    return secrets.token_hex(32)


async def seal(
    session: AsyncSession, inspection: Inspection, findings: Sequence[Finding], actor: str
) -> str:
    """Commit to a covert inspection's result as it is submitted; returns the commitment."""
    inspection.seal_salt = new_salt()
    inspection.commitment = commitment(sealed_result(inspection, findings), inspection.seal_salt)
    await record(
        session,
        actor=actor,
        action="inspection.sealed",
        entity="inspection",
        entity_id=str(inspection.id),
        data={"commitment": inspection.commitment, "findings": len(findings)},
    )
    return inspection.commitment


@dataclass(frozen=True, slots=True)
class BrokenSeal:
    """A covert inspection whose content no longer matches what was sealed."""

    inspection_id: uuid.UUID
    reason: str


@dataclass(slots=True)
class RevealReport:
    """What a reveal did: the inspections revealed, and any whose seal did not hold."""

    round_id: uuid.UUID
    revealed: list[uuid.UUID] = field(default_factory=list)
    broken: list[BrokenSeal] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when every revealed inspection matched its commitment."""
        return not self.broken


async def check_seal(session: AsyncSession, inspection: Inspection) -> str | None:
    """Why the inspection's seal does not hold, or None when it does."""
    if inspection.seal_salt is None or inspection.commitment is None:
        return "no commitment or salt recorded"
    audited = await repository.audited_commitment(session, inspection.id)
    if audited != inspection.commitment:
        return "the commitment differs from the one in the audit log"
    findings = await repository.findings_of(session, [inspection.id])
    recomputed = commitment(sealed_result(inspection, findings), inspection.seal_salt)
    if recomputed != inspection.commitment:
        return "the content differs from what was sealed"
    return None


async def reveal_round(
    session: AsyncSession, round_id: uuid.UUID, *, actor: str = "assessment"
) -> RevealReport:
    """Reveal the round's sealed covert inspections at publication: check each against its
    commitment, mark it revealed, open its rectifications, and report (and log, as errors)
    every seal that does not hold."""
    report = RevealReport(round_id=round_id)
    now = datetime.now(UTC)
    for inspection in await repository.covert_to_reveal(session, round_id):
        reason = await check_seal(session, inspection)
        inspection.revealed_at = now
        inspection.version += 1
        report.revealed.append(inspection.id)
        data: dict[str, Any] = {"commitment": inspection.commitment, "intact": reason is None}
        if reason is not None:
            report.broken.append(BrokenSeal(inspection.id, reason))
            data["reason"] = reason
            log.error(
                "covert_seal_broken",
                inspection_id=str(inspection.id),
                round_id=str(round_id),
                reason=reason,
            )
        await record(
            session,
            actor=actor,
            action="inspection.revealed" if reason is None else "inspection.seal_broken",
            entity="inspection",
            entity_id=str(inspection.id),
            data=data,
        )
        await open_revealed_rectifications(session, inspection, now, actor)
    await session.flush()
    return report
