"""Every patrol route under `/v1/patrols`, as one router for the app."""

from __future__ import annotations

from fastapi import APIRouter

from incidents.patrols.coverage.routes import router as coverage_router
from incidents.patrols.guard_points.routes import router as guard_points_router
from incidents.patrols.logs.routes import router as logs_router
from incidents.patrols.shifts.routes import router as shifts_router
from incidents.patrols.shifts.schedule_routes import router as schedules_router
from incidents.patrols.teams.routes import router as teams_router

router = APIRouter()
for part in (
    teams_router,
    guard_points_router,
    schedules_router,
    shifts_router,
    logs_router,
    coverage_router,
):
    router.include_router(part)
