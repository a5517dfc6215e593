"""The notify API: `create_app()` builds it (uvicorn's factory)."""

from __future__ import annotations

from fastapi import FastAPI

from notify.config import NotifySettings, get_settings
from notify.messages.routes import router as messages_router
from pingan_shared.app import create_service_app

DESCRIPTION = """
Notifications (通知) to duty groups, police offices, community staff and residents: templated
messages (消息) and their per-recipient deliveries (投递) through WeCom group robots
(企业微信群机器人), and in development through the log channel.

Other services enqueue `send_message` on `pingan:notify`; county systems may `POST /v1/messages`.
Errors are RFC 9457 problem details. Creates accept `Idempotency-Key`.
"""

TAGS = [{"name": "messages", "description": "Messages and their deliveries (消息与投递)"}]


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    """Build the notify API."""
    return create_service_app(
        settings or get_settings(),
        title="Pingan notify (平安·通知)",
        description=DESCRIPTION,
        version="0.1.0",
        routers=[messages_router],
        openapi_tags=TAGS,
    )
