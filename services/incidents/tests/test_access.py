"""Who may do what (ARCHITECTURE.md §4): the permission matrix of every incidents route."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from incidents_factories import BEIJIE, NANJIE, report, seed_areas
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.settings import DEV_JWT_SECRET
from pingan_shared.testing import bearer

ALL_ROLES = ["admin", "leader", "police", "community", "patrol", "inspector", "unit", "service"]
MAY_REPORT = {"admin", "leader", "police", "community", "patrol", "service"}
MAY_READ = MAY_REPORT | {"inspector"}
MAY_COUNT = {"admin", "leader", "police", "community", "service", "inspector"}


@pytest.fixture(autouse=True)
async def _areas(session: AsyncSession) -> None:
    await seed_areas(session)


def _token(
    claims: dict[str, object], key: str = DEV_JWT_SECRET, alg: str = "HS256"
) -> dict[str, str]:
    base: dict[str, object] = {
        "iss": "pingan",
        "aud": "pingan",
        "sub": "x",
        "roles": ["admin"],
        "areas": ["530128"],
        "exp": int(time.time()) + 600,
    }
    base.update(claims)
    return {"Authorization": f"Bearer {jwt.encode(base, key, algorithm=alg)}"}


BAD_TOKENS = {
    "missing": {},
    "not-bearer": {"Authorization": "Basic dXNlcjpwYXNz"},
    "garbage": {"Authorization": "Bearer not.a.jwt"},
    "wrong-secret": _token({}, key="another-secret-that-is-long-enough-1234"),
    "expired": _token({"exp": int(time.time()) - 10}),
    "wrong-audience": _token({"aud": "elsewhere"}),
    "wrong-issuer": _token({"iss": "elsewhere"}),
    "unknown-role": _token({"roles": ["superuser"]}),
    "unsigned": {
        "Authorization": "Bearer "
        + jwt.encode(
            {
                "iss": "pingan",
                "aud": "pingan",
                "sub": "x",
                "roles": ["admin"],
                "areas": ["530128"],
                "exp": int(time.time()) + 600,
            },
            None,
            algorithm="none",
        )
    },
}


@pytest.mark.parametrize("headers", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/incidents"),
        ("GET", "/v1/incidents/00000000-0000-0000-0000-000000000000"),
        ("GET", "/v1/areas"),
        ("GET", "/v1/statistics/incidents?area=530128"),
    ],
)
async def test_bad_or_missing_tokens_are_401(
    client: httpx.AsyncClient, headers: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, path, headers=headers, json=report())
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_report_matrix(client: httpx.AsyncClient, role: str) -> None:
    response = await client.post(
        "/v1/incidents", json=report(), headers=bearer(role, areas=[NANJIE])
    )
    assert response.status_code == (201 if role in MAY_REPORT else 403), response.text


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_read_matrix(client: httpx.AsyncClient, role: str) -> None:
    created = await client.post(
        "/v1/incidents", json=report(), headers=bearer("police", areas=[NANJIE])
    )
    incident_id = created.json()["id"]
    inside = await client.get(f"/v1/incidents/{incident_id}", headers=bearer(role, areas=[NANJIE]))
    assert inside.status_code == (200 if role in MAY_READ else 403)
    outside = await client.get(f"/v1/incidents/{incident_id}", headers=bearer(role, areas=[BEIJIE]))
    assert outside.status_code == (404 if role in MAY_READ else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_areas_matrix(client: httpx.AsyncClient, role: str) -> None:
    response = await client.get("/v1/areas", headers=bearer(role, areas=[NANJIE]))
    assert response.status_code == (200 if role in MAY_READ else 403)
    if response.status_code == 200:
        assert [a["code"] for a in response.json()["items"]] == [NANJIE, NANJIE + "001"]


@pytest.mark.parametrize("role", ALL_ROLES)
async def test_statistics_matrix(client: httpx.AsyncClient, role: str) -> None:
    inside = await client.get(
        f"/v1/statistics/incidents?area={NANJIE}", headers=bearer(role, areas=[NANJIE])
    )
    assert inside.status_code == (200 if role in MAY_COUNT else 403)
    outside = await client.get(
        f"/v1/statistics/incidents?area={BEIJIE}", headers=bearer(role, areas=[NANJIE])
    )
    assert outside.status_code == (404 if role in MAY_COUNT else 403)


async def test_reporting_outside_ones_areas_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/incidents", json=report(area_code=BEIJIE), headers=bearer("patrol", areas=[NANJIE])
    )
    assert response.status_code == 403


async def test_health_and_metrics_need_no_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
    metrics = await client.get("/metrics")
    assert "pingan_http_requests_total" in metrics.text
