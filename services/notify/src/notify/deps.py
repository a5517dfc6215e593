"""Dependency aliases of the notify routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from notify.channels.routing import Router
from notify.config import NotifySettings
from pingan_shared.auth import Principal, Role, require_roles
from pingan_shared.db import Database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session whose transaction commits before the response is sent."""
    database: Database = request.app.state.database
    async with database.session() as session:
        yield session


def get_router(request: Request) -> Router:
    """How this process routes recipients to channels."""
    settings: NotifySettings = request.app.state.settings
    return Router.from_settings(settings)


# scope="function": commit before the response goes out, so a 202 means the row is durable.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
RouterDep = Annotated[Router, Depends(get_router)]

READERS = (Role.admin, Role.leader, Role.service)
SENDERS = (Role.admin, Role.service)

ReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]
SenderDep = Annotated[Principal, Depends(require_roles(*SENDERS))]
