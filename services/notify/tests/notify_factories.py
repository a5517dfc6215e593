"""Test data for the notify tests: `send_message` payloads."""

from __future__ import annotations

from typing import Any

ROBOT_KEY = "3f1c9e2a-robot-key-nanjie"
OTHER_ROBOT_KEY = "77aa0b1d-robot-key-town"
PHONE = "13800001111"
INCIDENT_PARAMS = {
    "incident_id": "8b0f6a4e-0000-4000-8000-000000000001",
    "category": "盗窃",
    "severity": "medium",
    "area": "南街社区",
    "title": "电动车被盗",
    "description": "电动车在楼下被盗,车主电话 13912345678",
    "address": "南街12号",
    "occurred_at": "2026-11-20 21:30",
}


def payload(**overrides: Any) -> dict[str, Any]:
    """A `send_message` payload for one duty robot (the shape incidents sends), with overrides."""
    body: dict[str, Any] = {
        "version": 1,
        "message_key": "incident-reported:8b0f6a4e",
        "template": "incident_reported",
        "params": dict(INCIDENT_PARAMS),
        "recipients": [{"name": "南街社区值班群", "wecom_robot_key": ROBOT_KEY}],
        "priority": "routine",
        "source": "incidents",
    }
    body.update(overrides)
    return body


def robot_and_police(**overrides: Any) -> dict[str, Any]:
    """A payload for a duty robot and a police officer who has only a phone."""
    return payload(
        recipients=[
            {"name": "南街社区值班群", "wecom_robot_key": ROBOT_KEY},
            {"name": "李警官", "phone": PHONE},
        ],
        **overrides,
    )
