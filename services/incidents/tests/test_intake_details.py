"""Reports with suspects' traits, modus operandi, loss, attachments and a registered place."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from incidents_factories import BEIJIE, NANJIE, report, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.places.models import Place, PlaceKind
from pingan_shared.testing import bearer

POLICE = bearer("police", areas=[NANJIE])
SHA = "a" * 64


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


async def test_details_are_kept_and_shown(client: httpx.AsyncClient, session: AsyncSession) -> None:
    market = Place(kind=PlaceKind.market, name="南街农贸市场", area_code=NANJIE)
    session.add(market)
    await session.flush()
    body = report(
        category="burglary",
        place_id=str(market.id),
        suspects={
            "count": 2,
            "gender": "male",
            "age_band": "18_25",
            "non_local": True,
            "traits": "戴头盔",
        },
        modus_operandi=["撬锁", "翻窗"],
        loss_amount="3500.50",
        attachments=[{"url": "https://files.example/1.jpg", "kind": "image", "sha256": SHA}],
    )
    created = await client.post("/v1/incidents", json=body, headers=POLICE)
    assert created.status_code == 201, created.text
    read = (await client.get(f"/v1/incidents/{created.json()['id']}", headers=POLICE)).json()
    for answer in (created.json(), read):
        assert answer["place_id"] == str(market.id)
        assert answer["suspects"] == {
            "count": 2,
            "gender": "male",
            "age_band": "18_25",
            "non_local": True,
            "traits": "戴头盔",
        }
        assert answer["modus_operandi"] == ["撬锁", "翻窗"]
        assert answer["loss_amount"] == "3500.50"
        assert answer["attachments"][0]["sha256"] == SHA


async def test_a_place_outside_ones_areas_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    elsewhere = Place(kind=PlaceKind.shop, name="北街商铺", area_code=BEIJIE)
    session.add(elsewhere)
    await session.flush()
    response = await client.post(
        "/v1/incidents", json=report(place_id=str(elsewhere.id)), headers=POLICE
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.place_id"


BAD: list[tuple[dict[str, Any], str]] = [
    ({"place_id": "00000000-0000-0000-0000-000000000000"}, "body.place_id"),
    ({"suspects": {"gender": "robot"}}, "body.suspects.gender"),
    ({"suspects": {"count": 0}}, "body.suspects.count"),
    ({"modus_operandi": ["x" * 41]}, "body.modus_operandi.0"),
    ({"modus_operandi": ["t"] * 11}, "body.modus_operandi"),
    ({"loss_amount": "-1"}, "body.loss_amount"),
    ({"loss_amount": "1.234"}, "body.loss_amount"),
    (
        {"attachments": [{"url": "ftp://x", "kind": "image", "sha256": SHA}]},
        "body.attachments.0.url",
    ),
    (
        {"attachments": [{"url": "https://x/1", "kind": "image", "sha256": "zz"}]},
        "body.attachments.0.sha256",
    ),
    ({"description": "x" * 4001}, "body.description"),
]


@pytest.mark.parametrize(("override", "field"), BAD)
async def test_bad_details_name_the_field(
    client: httpx.AsyncClient, override: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/incidents", json=report(**override), headers=POLICE)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
