"""Dependency aliases of the incidents routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from pingan_shared.auth import Principal, Role, require_roles

STAFF = (Role.admin, Role.leader, Role.police, Role.community)
REPORTERS = (*STAFF, Role.patrol, Role.service)
READERS = (*STAFF, Role.patrol, Role.service, Role.inspector)
STATISTICS_READERS = (*STAFF, Role.service, Role.inspector)

ReporterDep = Annotated[Principal, Depends(require_roles(*REPORTERS))]
ReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]
StatisticsReaderDep = Annotated[Principal, Depends(require_roles(*STATISTICS_READERS))]
StaffDep = Annotated[Principal, Depends(require_roles(*STAFF))]
