"""The assessment API: `create_app()` builds it (uvicorn's factory)."""

from __future__ import annotations

from contextlib import AsyncExitStack

from fastapi import FastAPI

from assessment.audit.routes import router as audit_router
from assessment.clients.incidents import IncidentsClient
from assessment.config import AssessmentSettings, get_settings
from assessment.inspections.draw_routes import router as draws_router
from assessment.inspections.rectification_routes import router as rectifications_router
from assessment.inspections.routes import router as inspections_router
from assessment.inspections.schedule_routes import router as schedules_router
from assessment.rounds.routes import router as rounds_router
from assessment.rounds.routes_records import incident_router as incident_vetoes_router
from assessment.rounds.routes_records import router as round_records_router
from assessment.rounds.routes_results import router as round_results_router
from assessment.schemes.routes import router as schemes_router
from assessment.surveys.routes import router as surveys_router
from assessment.units.routes import router as units_router
from assessment.units.transfer_routes import router as unit_transfer_router
from pingan_shared.app import StartupHook, create_service_app

DESCRIPTION = """
Assessment (考核) of the safety campaign (平安创建): the assessed units (被考核对象) — safe
institutions, residential compounds, campuses, markets and families (平安单位/小区/校园/市场/家庭),
community and village committees — and the incident statistics of their areas, asked of the
incidents service (警情统计).

Errors are RFC 9457 problem details. Creates accept `Idempotency-Key`.
"""

TAGS = [
    {"name": "units", "description": "Assessed units and their areas' incidents (被考核对象)"},
    {"name": "surveys", "description": "Awareness and participation surveys (知晓率/参与率)"},
    {"name": "inspections", "description": "Regular, spot, open and covert inspections (检查)"},
    {"name": "rectifications", "description": "Rectifications and their follow-up (整改)"},
    {"name": "draws", "description": "Spot-check draws anyone can recompute (抽查)"},
    {"name": "schemes", "description": "Assessment schemes and their versions (考核方案)"},
    {
        "name": "rounds",
        "description": "Rounds, scores, ranks, bulletins and their exports (考核轮次、排名、通报)",
    },
    {"name": "audit", "description": "The hash-chained, append-only audit log (审计日志)"},
]


def open_incidents_client(settings: AssessmentSettings) -> StartupHook:
    """A start-up hook opening the incidents client, closed with the app."""

    async def hook(app: FastAPI, stack: AsyncExitStack) -> None:
        client = IncidentsClient.from_settings(settings)
        stack.push_async_callback(client.aclose)
        app.state.incidents = client

    return hook


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    """Build the assessment API."""
    settings = settings or get_settings()
    return create_service_app(
        settings,
        title="Pingan assessment (平安·考核)",
        description=DESCRIPTION,
        version="0.1.0",
        routers=[
            # Before `/v1/units/{unit_id}`, which would take `export.csv` for an id.
            unit_transfer_router,
            units_router,
            surveys_router,
            inspections_router,
            schedules_router,
            rectifications_router,
            draws_router,
            schemes_router,
            rounds_router,
            round_records_router,
            round_results_router,
            incident_vetoes_router,
            audit_router,
        ],
        openapi_tags=TAGS,
        on_startup=[open_incidents_client(settings)],
    )
