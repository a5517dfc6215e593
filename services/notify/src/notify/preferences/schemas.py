"""What the preferences API takes and answers."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pingan_shared.contracts.messages import Channel

EXAMPLE: dict[str, Any] = {
    "channels": ["wecom_app", "aliyun_sms", "tencent_sms"],
    "quiet_hours": True,
    "quiet_start": "22:30",
    "quiet_end": "06:30",
    "opt_out_routine": False,
}


class PreferenceIn(BaseModel):
    """A recipient's preferences (接收偏好), replacing whatever was kept before."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    channels: list[Channel] | None = Field(
        default=None,
        min_length=1,
        max_length=len(Channel),
        description="Channel order, first that reaches the recipient wins (渠道顺序); "
        "null keeps each message's own order",
    )
    quiet_hours: bool = Field(
        default=True, description="Whether routine messages wait out quiet hours (免打扰)"
    )
    quiet_start: time | None = Field(
        default=None,
        description="Local start (HH:MM, business time zone); with `quiet_end`, or both null "
        "for the service's default (22:00–07:00)",
    )
    quiet_end: time | None = Field(
        default=None, validate_default=True, description="Local end (HH:MM); may be after midnight"
    )
    opt_out_routine: bool = Field(
        default=False,
        description="No routine messages (退订); urgent and critical ones still go, recorded",
    )

    @field_validator("channels")
    @classmethod
    def _each_channel_once(cls, value: list[Channel] | None) -> list[Channel] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("names a channel twice")
        return value

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _local_minutes(cls, value: time | None, info: ValidationInfo) -> time | None:
        if value is None:
            return value
        if value.tzinfo is not None:
            raise ValueError("a local time of day, without an offset")
        if value.second or value.microsecond:
            raise ValueError("whole minutes (HH:MM)")
        if info.data.get("quiet_hours") is False:
            raise ValueError("set only while quiet_hours is true")
        return value

    @field_validator("quiet_end")
    @classmethod
    def _a_window(cls, value: time | None, info: ValidationInfo) -> time | None:
        if "quiet_start" not in info.data:
            return value  # quiet_start was refused already
        start = info.data["quiet_start"]
        if (start is None) != (value is None):
            raise ValueError("quiet_start and quiet_end go together (both, or both null)")
        if value is not None and value == start:
            raise ValueError("must differ from quiet_start; set quiet_hours false to turn off")
        return value


class PreferenceOut(BaseModel):
    """A recipient's preferences as kept (接收偏好)."""

    address: str = Field(description="Phone, WeCom user id or openid", examples=["13800001111"])
    channels: list[Channel] | None
    quiet_hours: bool
    quiet_start: time | None
    quiet_end: time | None
    opt_out_routine: bool
    version: int
    updated_at: datetime
