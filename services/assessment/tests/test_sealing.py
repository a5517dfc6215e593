"""Covert results sealed (暗访结果密封): a salted hash commitment on submission, a placeholder for
everyone but the assessment office until the bulletin, and a reveal that catches tampering."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import canonical_json
from assessment.inspections.models import Finding, Inspection, Rectification
from assessment.inspections.repository import findings_of
from assessment.inspections.rules import local_today
from assessment.inspections.sealing import commitment, reveal_round, sealed_result

from .assessment_inspections_data import (
    INSPECTOR_A,
    INSPECTOR_B,
    LEADER,
    OFFICE,
    World,
    audit_entries,
    confirm,
    make_world,
    messages,
    record,
)

HIDDEN = ("inspectors", "inspected_at", "location", "notes", "findings", "seal_salt")


async def _covert(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    return await record(client, world, kind="covert", findings=(("G1", 2), ("G3", 1)))


async def test_submission_seals_with_a_salted_commitment(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    sealed = await _covert(client, world)
    assert sealed["sealed"] is True  # even its own inspector sees a placeholder now
    assert all(sealed[key] is None for key in HIDDEN)
    row = await session.get(Inspection, uuid.UUID(sealed["id"]))
    assert row is not None
    await session.refresh(row)
    assert row.seal_salt is not None
    assert len(row.seal_salt) == 64
    assert sealed["commitment"] == row.commitment
    assert len(sealed["commitment"]) == 64
    entries = {e.action: e.data for e in await audit_entries(session, entity_id=sealed["id"])}
    assert entries["inspection.sealed"]["commitment"] == row.commitment
    assert "notes" not in entries["inspection.created"]  # the log holds no covert content
    findings = await audit_entries(session, action="finding.added")
    assert len(findings) == 2
    assert all(set(e.data) == {"inspection_id"} for e in findings)


@pytest.mark.parametrize(
    ("who", "sees"),
    [("office", True), ("author", False), ("other", False), ("leader", False), ("unit", False)],
)
async def test_only_the_office_opens_it_before_the_bulletin(
    client: httpx.AsyncClient, session: AsyncSession, who: str, sees: bool
) -> None:
    world = await make_world(session, client)
    sealed = await _covert(client, world)
    headers = {
        "office": OFFICE,
        "author": INSPECTOR_A,
        "other": INSPECTOR_B,
        "leader": LEADER,
        "unit": world.unit_token("school"),
    }[who]
    read = await client.get(f"/v1/inspections/{sealed['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json()["sealed"] is not sees
    assert (read.json()["findings"] is not None) is sees
    assert (read.json()["notes"] == "门卫室值班记录不全") is sees
    listed = await client.get("/v1/inspections", headers=headers)
    [item] = listed.json()["items"]
    assert item["sealed"] is not sees
    assert item["commitment"] == sealed["commitment"]


async def test_a_covert_draft_is_seen_only_by_its_inspectors_and_the_office(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    draft = await record(client, world, kind="covert", submit=False)
    assert draft["sealed"] is False  # its inspector is still writing it
    for headers, status in ((OFFICE, 200), (INSPECTOR_B, 404), (LEADER, 404)):
        read = await client.get(f"/v1/inspections/{draft['id']}", headers=headers)
        assert read.status_code == status
        listed = await client.get("/v1/inspections", headers=headers)
        assert len(listed.json()["items"]) == (1 if status == 200 else 0)


async def test_reveal_checks_and_opens_the_content(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    sealed = await _covert(client, world)
    report = await reveal_round(session, world.round_id)
    assert report.revealed == [uuid.UUID(sealed["id"])]
    assert report.intact
    read = await client.get(f"/v1/inspections/{sealed['id']}", headers=world.unit_token("school"))
    opened = read.json()
    assert opened["sealed"] is False
    assert opened["revealed_at"] is not None
    assert len(opened["findings"]) == 2
    # Anyone who reads it can now recompute the commitment from what is shown.
    result = {
        "inspection": {
            "id": opened["id"],
            "round_id": opened["round_id"],
            "unit_id": opened["unit_id"],
            "kind": "covert",
            "inspectors": opened["inspectors"],
            "inspected_at": _utc(opened["inspected_at"]),
            "lat": opened["location"]["lat"],
            "lon": opened["location"]["lon"],
            "notes": opened["notes"],
        },
        "findings": [
            {
                key: f[key]
                for key in (
                    "id",
                    "indicator_id",
                    "faults",
                    "deduction",
                    "note",
                    "evidence",
                    "author",
                )
            }
            for f in sorted(opened["findings"], key=lambda f: f["id"])
        ],
    }
    assert commitment(result, opened["seal_salt"]) == opened["commitment"]
    manual = canonical_json({"result": result, "salt": opened["seal_salt"]})
    assert hashlib.sha256(manual.encode()).hexdigest() == opened["commitment"]
    assert (await reveal_round(session, world.round_id)).revealed == []  # once


def _utc(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(UTC).isoformat(timespec="microseconds")


async def test_tampering_with_a_sealed_finding_is_reported(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    tampered = await _covert(client, world)
    intact = await record(client, world, kind="covert", unit_id=world.units["compound"]["id"])
    # Behind the service's back: one fault fewer, two points back.
    await session.execute(
        text(
            "UPDATE findings SET faults = 1, deduction = 2"
            " WHERE inspection_id = :id AND deduction = 4"
        ),
        {"id": tampered["id"]},
    )
    report = await reveal_round(session, world.round_id)
    assert not report.intact
    assert [b.inspection_id for b in report.broken] == [uuid.UUID(tampered["id"])]
    assert "content differs" in report.broken[0].reason
    assert sorted(report.revealed) == sorted(uuid.UUID(i["id"]) for i in (tampered, intact))
    [broken] = await audit_entries(session, action="inspection.seal_broken")
    assert broken.entity_id == tampered["id"]


async def test_rewriting_the_commitment_too_is_caught_by_the_audit_log(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    sealed = await _covert(client, world)
    row = await session.get(Inspection, uuid.UUID(sealed["id"]))
    assert row is not None
    await session.refresh(row)
    assert row.seal_salt is not None
    # Someone with the database edits the notes and recomputes a matching commitment.
    await session.execute(
        text("UPDATE inspections SET notes = '一切正常' WHERE id = :id"), {"id": sealed["id"]}
    )
    await session.refresh(row)
    forged = commitment(sealed_result(row, await findings_of(session, [row.id])), row.seal_salt)
    await session.execute(
        text("UPDATE inspections SET commitment = :c WHERE id = :id"),
        {"c": forged, "id": sealed["id"]},
    )
    session.expire_all()
    report = await reveal_round(session, world.round_id)
    assert [b.reason for b in report.broken] == [
        "the commitment differs from the one in the audit log"
    ]


async def test_covert_rectifications_wait_for_the_reveal(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world = await make_world(session, client)
    sealed = await _covert(client, world)
    office_view = await client.get(f"/v1/inspections/{sealed['id']}", headers=OFFICE)
    finding_id = office_view.json()["findings"][0]["id"]
    assert (await confirm(client, finding_id, days=7)).status_code == 200
    unit = world.unit_token("school")
    assert (await client.get("/v1/rectifications", headers=unit)).json()["items"] == []
    assert (await client.get("/v1/rectifications", headers=LEADER)).json()["items"] == []
    assert len((await client.get("/v1/rectifications", headers=OFFICE)).json()["items"]) == 1
    assert not [m for m in await messages(session) if "opened" in m["message_key"]]
    # Confirmed ten days before the reveal with seven days to rectify: the unit, told only at
    # the reveal, still gets its seven days.
    finding = await session.get(Finding, uuid.UUID(finding_id))
    rectification = (await session.execute(select(Rectification))).scalar_one()
    assert finding is not None
    assert finding.confirmed_at is not None
    finding.confirmed_at -= timedelta(days=10)
    rectification.deadline -= timedelta(days=10)
    await session.flush()
    assert (await reveal_round(session, world.round_id)).intact
    [item] = (await client.get("/v1/rectifications", headers=unit)).json()["items"]
    assert item["deadline"] == (local_today() + timedelta(days=7)).isoformat()
    [notice] = [m for m in await messages(session) if "opened" in m["message_key"]]
    assert item["deadline"] in notice["params"]["text"]
