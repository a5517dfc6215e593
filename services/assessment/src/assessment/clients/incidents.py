"""A typed client of the incidents service (警情服务), called with a service token.

It knows incidents' answers only through the models below, so a change on the other side shows
up here as an `IncidentsBadAnswerError`, not as a KeyError deep in a route.
"""

from __future__ import annotations

from datetime import datetime

import httpx
import structlog
from pydantic import BaseModel, ValidationError

from assessment.config import AssessmentSettings
from pingan_shared.http import BearerTokenAuth, ServiceTokenAuth, create_http_client

log = structlog.get_logger(__name__)

SERVICE_SUBJECT = "assessment"
INCIDENT_COUNTS_PATH = "/v1/statistics/incidents"


class CategoryCount(BaseModel):
    """Incidents of one category, as incidents reports them."""

    category: str
    name: str
    count: int


class IncidentCounts(BaseModel):
    """Incidents' answer to `GET /v1/statistics/incidents`."""

    area_code: str
    area_name: str
    period_from: datetime
    period_to: datetime
    total: int
    by_category: list[CategoryCount]


class IncidentsError(Exception):
    """A call to incidents did not give the answer asked for."""


class IncidentsUnavailableError(IncidentsError):
    """Incidents could not be reached, timed out, or failed (5xx)."""


class IncidentsAreaNotFoundError(IncidentsError):
    """Incidents knows no such area, or not one the service token may read."""


class IncidentsBadAnswerError(IncidentsError):
    """Incidents answered with a status or body this client does not understand."""


class IncidentsClient:
    """Calls the incidents API; one instance per process, closed with the app."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @classmethod
    def from_settings(cls, settings: AssessmentSettings) -> IncidentsClient:
        """A client for `settings.incidents_url` that presents a service token: the one the
        county's identity provider issued (`INCIDENTS_TOKEN`), else one minted here and renewed —
        RS256 with `PINGAN_JWT_PRIVATE_KEY` when set, else HS256 with the shared secret."""
        auth: httpx.Auth
        if settings.incidents_token is not None:
            auth = BearerTokenAuth(settings.incidents_token.get_secret_value())
        else:
            private_key = settings.jwt_private_key
            auth = ServiceTokenAuth(
                subject=SERVICE_SUBJECT,
                areas=list(settings.incidents_token_areas),
                secret=settings.jwt_secret.get_secret_value(),
                private_key=private_key.get_secret_value() if private_key else None,
            )
        http = create_http_client(
            settings.incidents_url,
            auth=auth,
            timeout=settings.incidents_timeout_seconds,
        )
        return cls(http)

    async def incident_counts(
        self,
        area_code: str,
        period_from: datetime | None = None,
        period_to: datetime | None = None,
    ) -> IncidentCounts:
        """Counts by category of the incidents in an area (and inside it) during [from, to)."""
        params = {"area": area_code}
        if period_from is not None:
            params["from"] = period_from.isoformat()
        if period_to is not None:
            params["to"] = period_to.isoformat()
        try:
            response = await self.http.get(INCIDENT_COUNTS_PATH, params=params)
        except httpx.TransportError as exc:
            log.warning("incidents_unreachable", error=f"{type(exc).__name__}: {exc}")
            raise IncidentsUnavailableError(type(exc).__name__) from exc
        if response.status_code >= 500:
            log.warning("incidents_failed", status=response.status_code)
            raise IncidentsUnavailableError(f"status {response.status_code}")
        if response.status_code == 404:
            raise IncidentsAreaNotFoundError(area_code)
        if response.status_code != 200:
            log.warning("incidents_refused", status=response.status_code, body=response.text[:500])
            raise IncidentsBadAnswerError(f"status {response.status_code}")
        try:
            return IncidentCounts.model_validate_json(response.content)
        except ValidationError as exc:
            raise IncidentsBadAnswerError(f"unexpected body: {exc.error_count()} errors") from exc

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()
