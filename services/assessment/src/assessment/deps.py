"""Dependency aliases of the assessment routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assessment.clients.incidents import IncidentsClient
from pingan_shared.auth import Principal, Role, require_roles


async def get_incidents(request: Request) -> IncidentsClient:
    """The process's client of the incidents service, opened at start-up."""
    client: IncidentsClient = request.app.state.incidents
    return client


IncidentsDep = Annotated[IncidentsClient, Depends(get_incidents)]

UNIT_WRITERS = (Role.admin, Role.leader)
# `unit` contacts pass this gate but read only their own unit (assessment.units.service).
UNIT_READERS = (Role.admin, Role.leader, Role.inspector, Role.service, Role.unit)

UnitWriterDep = Annotated[Principal, Depends(require_roles(*UNIT_WRITERS))]
UnitReaderDep = Annotated[Principal, Depends(require_roles(*UNIT_READERS))]
