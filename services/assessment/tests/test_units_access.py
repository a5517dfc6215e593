"""Who may register, list and read units: the role matrix, area scoping, unit contacts, masking."""

from __future__ import annotations

import httpx
import pytest

from pingan_shared.testing import bearer

from .factories import (
    ADMIN,
    BEIJIE,
    COUNTY,
    NANJIE,
    NANJIE_GRID,
    OTHER_COUNTY,
    auth,
    create_unit,
    unit_body,
)

ALL_ROLES = ("admin", "leader", "police", "community", "patrol", "inspector", "unit", "service")
WRITERS = {"admin", "leader"}
AREA_READERS = {"admin", "leader", "inspector", "service"}
MASKED = "138****5678"


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_create_by_role(client: httpx.AsyncClient, role: str) -> None:
    response = await client.post("/v1/units", json=unit_body(), headers=auth(role))
    assert response.status_code == (201 if role in WRITERS else 403), response.text


async def test_create_without_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/units", json=unit_body())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_create_with_a_forged_token(client: httpx.AsyncClient) -> None:
    forged = bearer("admin", areas=[COUNTY], secret="another-secret-of-enough-length-0000")
    response = await client.post("/v1/units", json=unit_body(), headers=forged)
    assert response.status_code == 401


@pytest.mark.parametrize("role", sorted(WRITERS))
async def test_create_outside_the_callers_areas(client: httpx.AsyncClient, role: str) -> None:
    response = await client.post(
        "/v1/units", json=unit_body(area_code=NANJIE_GRID), headers=auth(role, areas=[BEIJIE])
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("/outside-areas")


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_read_by_role(client: httpx.AsyncClient, role: str) -> None:
    unit = await create_unit(client)
    unit_id = unit["id"] if role == "unit" else None
    response = await client.get(f"/v1/units/{unit['id']}", headers=auth(role, unit_id=unit_id))
    expected = 200 if role in AREA_READERS or role == "unit" else 403
    assert response.status_code == expected, response.text


@pytest.mark.parametrize("path", ["", "/incident-stats"])
async def test_unit_contact_reads_only_its_own_unit(client: httpx.AsyncClient, path: str) -> None:
    own = await create_unit(client)
    other = await create_unit(client, name="屏山镇中心学校")
    headers = auth("unit", unit_id=own["id"])
    assert (await client.get(f"/v1/units/{other['id']}{path}", headers=headers)).status_code == 404
    no_claim = auth("unit")
    assert (await client.get(f"/v1/units/{own['id']}{path}", headers=no_claim)).status_code == 404
    bad_claim = auth("unit", unit_id="demo-unit")
    assert (await client.get(f"/v1/units/{own['id']}{path}", headers=bad_claim)).status_code == 404


@pytest.mark.parametrize("role", sorted(AREA_READERS))
@pytest.mark.parametrize("path", ["", "/incident-stats"])
async def test_read_outside_the_callers_areas_is_not_found(
    client: httpx.AsyncClient, role: str, path: str
) -> None:
    unit = await create_unit(client)
    headers = auth(role, areas=[BEIJIE, OTHER_COUNTY])
    response = await client.get(f"/v1/units/{unit['id']}{path}", headers=headers)
    assert response.status_code == 404


async def test_unit_contact_outside_its_areas_is_not_found(client: httpx.AsyncClient) -> None:
    unit = await create_unit(client)
    headers = auth("unit", areas=[BEIJIE], unit_id=unit["id"])
    assert (await client.get(f"/v1/units/{unit['id']}", headers=headers)).status_code == 404


@pytest.mark.parametrize("path", ["/v1/units", "/v1/units/{id}", "/v1/units/{id}/incident-stats"])
async def test_reads_without_token(client: httpx.AsyncClient, path: str) -> None:
    unit = await create_unit(client)
    response = await client.get(path.format(id=unit["id"]))
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["police", "community", "patrol"])
@pytest.mark.parametrize("path", ["/v1/units", "/v1/units/{id}/incident-stats"])
async def test_other_roles_may_not_read(client: httpx.AsyncClient, role: str, path: str) -> None:
    unit = await create_unit(client)
    response = await client.get(path.format(id=unit["id"]), headers=auth(role))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "phone"),
    [
        ("admin", "13812345678"),
        ("leader", "13812345678"),
        ("inspector", MASKED),
        ("service", MASKED),
        ("unit", MASKED),
    ],
)
async def test_contact_phone_masking(client: httpx.AsyncClient, role: str, phone: str) -> None:
    unit = await create_unit(client)
    headers = auth(role, unit_id=unit["id"])
    read = await client.get(f"/v1/units/{unit['id']}", headers=headers)
    assert read.json()["contact"]["phone"] == phone
    listed = await client.get("/v1/units", headers=headers)
    assert [u["contact"]["phone"] for u in listed.json()["items"]] == [phone]


async def test_list_is_area_scoped_and_filtered(client: httpx.AsyncClient) -> None:
    school = await create_unit(client)
    market = await create_unit(client, kind="market", name="北街农贸市场", area_code=BEIJIE)
    committee = await create_unit(client, kind="community", name="南街社区居委会", area_code=NANJIE)

    async def names(headers: dict[str, str], query: str = "") -> list[str]:
        response = await client.get(f"/v1/units{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [u["name"] for u in response.json()["items"]]

    everything = await names(ADMIN)
    assert everything == [committee["name"], school["name"], market["name"]]  # by area, name
    assert await names(auth("inspector", areas=[NANJIE])) == [committee["name"], school["name"]]
    assert await names(ADMIN, f"?area={BEIJIE}") == [market["name"]]
    assert await names(ADMIN, "?kind=campus") == [school["name"]]
    assert await names(auth("leader", areas=[NANJIE]), f"?area={BEIJIE}") == []
    assert await names(auth("leader", areas=[OTHER_COUNTY])) == []
    assert await names(auth("unit", unit_id=market["id"])) == [market["name"]]
    assert await names(auth("unit")) == []


async def test_list_pages(client: httpx.AsyncClient) -> None:
    created = [await create_unit(client, name=f"单位{i}") for i in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(f"/v1/units{query}", headers=ADMIN)).json()
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(u["id"] for u in created)
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize("cursor", ["garbage!", "WzFd"])  # not base64 JSON; [1]
async def test_list_refuses_foreign_cursors(client: httpx.AsyncClient, cursor: str) -> None:
    response = await client.get(f"/v1/units?cursor={cursor}", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.cursor"


async def test_list_refuses_unknown_kind(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/units?kind=hospital", headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.kind"
