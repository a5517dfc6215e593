"""Dependency aliases of the notify routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from notify.channels.routing import Router
from notify.config import NotifySettings
from pingan_shared.auth import Principal, Role, require_roles


def get_router(request: Request) -> Router:
    """How this process routes recipients to channels."""
    settings: NotifySettings = request.app.state.settings
    return Router.from_settings(settings)


RouterDep = Annotated[Router, Depends(get_router)]

# Messages carry incident titles and addresses from every area and record no area of their own,
# so only the office and the services that send them may read them.
READERS = (Role.admin, Role.service)
SENDERS = (Role.admin, Role.service)

ReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]
SenderDep = Annotated[Principal, Depends(require_roles(*SENDERS))]
