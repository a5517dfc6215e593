"""The intake benchmark's baseline: a bare FastAPI route that inserts one row with asyncpg.

Started by `bench/intake.py` as `uvicorn bench.baseline_insert_app:app`; it reads the database
URL from BASELINE_DATABASE_URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, Request
from pydantic import BaseModel

TABLE = """
CREATE TABLE IF NOT EXISTS baseline_incidents (
    id uuid PRIMARY KEY, category text NOT NULL, description text NOT NULL,
    occurred_at timestamptz NOT NULL, lat double precision NOT NULL, lon double precision NOT NULL,
    area_code text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()
)
"""


class Location(BaseModel):
    lat: float
    lon: float


class Report(BaseModel):
    category: str
    description: str
    occurred_at: str
    location: Location
    area_code: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["BASELINE_DATABASE_URL"], min_size=10, max_size=10)
    await pool.execute(TABLE)
    app.state.pool = pool
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/v1/incidents", status_code=201)
async def create(report: Report, request: Request) -> dict[str, str]:
    incident_id = uuid.uuid4()
    await request.app.state.pool.execute(
        "INSERT INTO baseline_incidents (id, category, description, occurred_at, lat, lon, area_code)"
        " VALUES ($1, $2, $3, $4::text::timestamptz, $5, $6, $7)",
        incident_id,
        report.category,
        report.description,
        report.occurred_at,
        report.location.lat,
        report.location.lon,
        report.area_code,
    )
    return {"id": str(incident_id), "status": "reported"}
