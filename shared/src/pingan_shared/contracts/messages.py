"""The `send_message` job on `pingan:notify` (ARCHITECTURE.md §2), version 1."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SEND_MESSAGE_JOB = "send_message"


class Channel(StrEnum):
    """How a message can reach a recipient."""

    wecom_robot = "wecom_robot"  # 企业微信群机器人
    wecom_app = "wecom_app"  # 企业微信应用消息
    wechat_template = "wechat_template"  # 微信公众号模板消息
    aliyun_sms = "aliyun_sms"  # 阿里云短信
    tencent_sms = "tencent_sms"  # 腾讯云短信
    log = "log"  # development: records what would be sent


class Priority(StrEnum):
    """How urgent a message is; routine messages wait out quiet hours."""

    routine = "routine"
    urgent = "urgent"
    critical = "critical"


class Recipient(BaseModel):
    """Someone (or a group robot) to reach; at least one address."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, pattern=r"^1[3-9]\d{9}$")
    wecom_user_id: str | None = Field(default=None, max_length=64)
    openid: str | None = Field(default=None, max_length=64)
    wecom_robot_key: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _has_address(self) -> Recipient:
        if not (self.phone or self.wecom_user_id or self.openid or self.wecom_robot_key):
            raise ValueError("a recipient needs a phone, wecom_user_id, openid or wecom_robot_key")
        return self

    def address_for(self, channel: Channel) -> str | None:
        """The address this recipient has on `channel`, if any."""
        return {
            Channel.wecom_robot: self.wecom_robot_key,
            Channel.wecom_app: self.wecom_user_id,
            Channel.wechat_template: self.openid,
            Channel.aliyun_sms: self.phone,
            Channel.tencent_sms: self.phone,
            Channel.log: self.phone or self.wecom_user_id or self.openid or self.wecom_robot_key,
        }[channel]


class SendMessage(BaseModel):
    """A request to send one templated message to some recipients."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    message_key: str = Field(
        min_length=1, max_length=200, description="Idempotency key: the same key is one message"
    )
    template: str = Field(min_length=1, max_length=100, description="Template code")
    params: dict[str, Any] = Field(default_factory=dict)
    recipients: list[Recipient] = Field(min_length=1, max_length=1000)
    channels: list[Channel] = Field(
        default_factory=lambda: [Channel.wecom_robot, Channel.wecom_app, Channel.aliyun_sms],
        min_length=1,
        description="Channel preference, first that reaches the recipient wins",
    )
    priority: Priority = Priority.routine
    dedupe_key: str | None = Field(default=None, max_length=200)
    send_at: datetime | None = None
    source: str | None = Field(default=None, max_length=100, description="Producing service")
