"""Dependency aliases of the incidents routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.db import Database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session whose transaction commits before the response is sent."""
    database: Database = request.app.state.database
    async with database.session() as session:
        yield session


# scope="function": commit before the response goes out, so a 201 means the row is durable.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

STAFF = (Role.admin, Role.leader, Role.police, Role.community)
REPORTERS = (*STAFF, Role.patrol, Role.service)
READERS = (*STAFF, Role.patrol, Role.service, Role.inspector)
STATISTICS_READERS = (*STAFF, Role.service, Role.inspector)

ReporterDep = Annotated[Principal, Depends(require_roles(*REPORTERS))]
ReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]
StatisticsReaderDep = Annotated[Principal, Depends(require_roles(*STATISTICS_READERS))]
