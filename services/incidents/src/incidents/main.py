"""The incidents API: `create_app()` builds it (uvicorn's factory)."""

from __future__ import annotations

from fastapi import FastAPI

from incidents.analysis.routes import router as analysis_router
from incidents.analysis.routes_report import router as analysis_report_router
from incidents.analysis.routes_spatial import router as analysis_spatial_router
from incidents.areas.routes import router as areas_router
from incidents.config import IncidentsSettings, get_settings
from incidents.focus.routes import router as focus_router
from incidents.intake.routes import router as intake_router
from incidents.listing.routes import router as listing_router
from incidents.open311.routes import router as open311_router
from incidents.patrols.routes import router as patrols_router
from incidents.places.routes import router as places_router
from incidents.privacy.routes import router as privacy_router
from incidents.public.routes import router as public_router
from incidents.statistics.routes import router as statistics_router
from incidents.workflow.routes import router as workflow_router
from pingan_shared.app import create_service_app

DESCRIPTION = """
Incidents (警情) of the county and its towns: intake from residents, patrol teams (义务巡防队),
police offices (社区警务室), community staff and county systems; the area tree (区划); and the
statistics other services ask for (警情统计).

Errors are RFC 9457 problem details. Creates accept `Idempotency-Key`.
"""

TAGS = [
    {
        "name": "areas",
        "description": "The area tree: county, town, community, village, grid (区划)",
    },
    {"name": "incidents", "description": "Reporting and reading incidents (警情上报与查询)"},
    {"name": "statistics", "description": "Incident statistics (警情统计)"},
    {"name": "places", "description": "Registered places incidents happen at (场所)"},
    {"name": "privacy", "description": "Who read personal data in clear (个人信息查阅记录)"},
    {"name": "public", "description": "Residents' reports without an account (群众上报)"},
    {
        "name": "workflow",
        "description": "Handling workflow (上报 → 受理 → 分拨 → 处置 → 办结 → 督办 → 评价)",
    },
    {
        "name": "patrols",
        "description": "Patrol and village guard teams, guard points, shifts, patrol logs and "
        "coverage (巡防管面,保安守点)",
    },
    {
        "name": "open311",
        "description": "Open311 GeoReport v2 for civic-reporting clients (市民诉求开放接口)",
    },
    {
        "name": "analysis",
        "description": "Incident analysis: case types, hot places, suspects' traits, times, "
        "patterns, series, patrol fit and the town report (案情分析)",
    },
    {
        "name": "focus",
        "description": "Focus problems and their follow-up until solved (突出问题跟踪督办)",
    },
]


def create_app(settings: IncidentsSettings | None = None) -> FastAPI:
    """Build the incidents API."""
    return create_service_app(
        settings or get_settings(),
        title="Pingan incidents (平安·警情)",
        description=DESCRIPTION,
        version="0.1.0",
        routers=[
            areas_router,
            listing_router,
            intake_router,
            statistics_router,
            open311_router,
            workflow_router,
            patrols_router,
            places_router,
            privacy_router,
            public_router,
            focus_router,
            analysis_router,
            analysis_spatial_router,
            analysis_report_router,
        ],
        openapi_tags=TAGS,
    )
