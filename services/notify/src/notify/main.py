"""The notify API: `create_app()` builds it (uvicorn's factory)."""

from __future__ import annotations

from fastapi import FastAPI

from notify.config import NotifySettings, get_settings
from notify.deadletters.routes import router as dead_letters_router
from notify.deliveries.routes import router as deliveries_router
from notify.messages.routes import router as messages_router
from notify.preferences.routes import router as preferences_router
from notify.receipts.routes import router as receipts_router
from pingan_shared.app import create_service_app

DESCRIPTION = """
Notifications (通知) to duty groups, police offices, community staff and residents: templated
messages (消息) and their per-recipient deliveries (投递) through WeCom group robots
(企业微信群机器人), and in development through the log channel.

Other services enqueue `send_message` on `pingan:notify`; county systems may `POST /v1/messages`.
Errors are RFC 9457 problem details. Creates accept `Idempotency-Key`.
"""

TAGS = [
    {"name": "messages", "description": "Messages and their deliveries (消息与投递)"},
    {"name": "deliveries", "description": "Deliveries across messages, counted (投递与统计)"},
    {"name": "dead-letters", "description": "Deliveries given up, and re-driving them (死信)"},
    {"name": "preferences", "description": "Recipients' channels, quiet hours, opt-out (接收偏好)"},
    {"name": "receipts", "description": "Providers' delivery receipts (短信回执)"},
]


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    """Build the notify API."""
    return create_service_app(
        settings or get_settings(),
        title="Pingan notify (平安·通知)",
        description=DESCRIPTION,
        version="0.1.0",
        routers=[
            messages_router,
            deliveries_router,
            dead_letters_router,
            preferences_router,
            receipts_router,
        ],
        openapi_tags=TAGS,
    )
