"""Notify service settings, read from `NOTIFY_*` and the shared unprefixed names."""

from __future__ import annotations

import random
from datetime import time
from functools import lru_cache
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from notify.limits import DEFAULT_RULES, Rule
from notify.templates import ProviderTemplate
from pingan_shared.contracts.messages import Channel
from pingan_shared.settings import ServiceSettings

WECOM_PRODUCTION_BASE_URL = "https://qyapi.weixin.qq.com"
ALIYUN_SMS_PRODUCTION_BASE_URL = "https://dysmsapi.aliyuncs.com"
TENCENT_SMS_PRODUCTION_BASE_URL = "https://sms.tencentcloudapi.com"
WECHAT_PRODUCTION_BASE_URL = "https://api.weixin.qq.com"


class NotifySettings(ServiceSettings):
    """Settings of the notify API and worker.

    A provider whose base URL is unset is not configured: in development its messages go to the
    `log` channel (ARCHITECTURE.md §7); in production the providers' real endpoints are the defaults.
    """

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", populate_by_name=True)

    service_name: str = "notify"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/pingan_notify"
    port: int = 8003
    wecom_base_url: str | None = None
    provider_timeout_seconds: float = 10.0

    # WeCom application messages (企业微信应用消息): configured when all three are set.
    wecom_corp_id: str | None = None
    wecom_app_secret: SecretStr | None = None
    wecom_agent_id: int | None = None

    # Aliyun SMS (阿里云短信, dysmsapi 2017-05-25): configured when the key pair and sign are set.
    aliyun_sms_base_url: str | None = None
    aliyun_access_key_id: str | None = None
    aliyun_access_key_secret: SecretStr | None = None
    aliyun_sign_name: str | None = None
    # Our template code -> the approved TemplateCode and its parameter names.
    aliyun_sms_templates: dict[str, ProviderTemplate] = Field(default_factory=dict)
    aliyun_receipt_secret: SecretStr | None = None  # the callback URL's token

    # Tencent Cloud SMS (腾讯云短信, 2021-01-11): configured when the key pair, app and sign are set.
    tencent_sms_base_url: str | None = None
    tencent_secret_id: str | None = None
    tencent_secret_key: SecretStr | None = None
    tencent_sms_app_id: str | None = None
    tencent_sign_name: str | None = None
    tencent_region: str = "ap-guangzhou"
    tencent_sms_templates: dict[str, ProviderTemplate] = Field(default_factory=dict)
    tencent_receipt_secret: SecretStr | None = None

    # WeChat official account template messages (微信公众号模板消息).
    wechat_base_url: str | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    # Our template code -> the account's template_id and its data keys in order.
    wechat_templates: dict[str, ProviderTemplate] = Field(default_factory=dict)

    max_delivery_attempts: int = 5
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 300.0
    # A delivery claimed by a worker that died is taken over once its lease runs out.
    lease_seconds: float = 120.0
    # How many provider calls a worker process makes at once, all its jobs together; keep it
    # within the HTTP clients' 20 kept-alive connections. httpx's pool spends more CPU per call
    # the more calls it holds: 8 cost a quarter less per delivery than 16 (bench/notify_throughput.py).
    send_concurrency: int = Field(default=8, ge=1, le=200)
    # The worker (arq): how long it waits between looks at the queue, how many jobs it runs side
    # by side, and how many job ids it takes per look (unset: `worker_max_jobs`). A critical job
    # scored ahead of the queue is seen at the next look, once the ids taken before have started,
    # and then shares the event loop with the other running jobs: few of each keep it fast
    # (bench/notify_priority.py), and the worker is no faster with more.
    worker_poll_delay_seconds: float = Field(default=0.05, gt=0)
    worker_max_jobs: int = Field(default=8, ge=1)
    worker_queue_read_limit: int | None = Field(default=None, ge=1)
    # Quiet hours (免打扰) for recipients without their own, in the business time zone.
    quiet_start: time = time(22, 0)
    quiet_end: time = time(7, 0)
    # A critical message with no delivery receipt after this long is tried on the next channel.
    receipt_wait_minutes: float = 10.0
    rate_limits_enabled: bool = True
    # Per channel, replacing the documented defaults (`notify.limits.DEFAULT_RULES`).
    rate_limits: dict[Channel, list[Rule]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _production_endpoints(self) -> Self:
        defaults = {
            "wecom_base_url": WECOM_PRODUCTION_BASE_URL,
            "aliyun_sms_base_url": ALIYUN_SMS_PRODUCTION_BASE_URL,
            "tencent_sms_base_url": TENCENT_SMS_PRODUCTION_BASE_URL,
            "wechat_base_url": WECHAT_PRODUCTION_BASE_URL,
        }
        for name, production in defaults.items():
            url = getattr(self, name) or (None if self.is_development else production)
            setattr(self, name, url.rstrip("/") if url else None)
        return self

    def limit_rules(self) -> dict[Channel, list[Rule]]:
        """The frequency limits in force: none when turned off, else defaults and overrides."""
        if not self.rate_limits_enabled:
            return {}
        return {**{c: list(r) for c, r in DEFAULT_RULES.items()}, **self.rate_limits}

    def retry_delay(self, attempt: int) -> float:
        """Seconds to wait before try `attempt + 1`: exponential backoff, capped, with jitter
        (half to all of it) so that deliveries failing together do not come back together."""
        ceiling = min(self.retry_base_seconds * 2 ** max(attempt - 1, 0), self.retry_max_seconds)
        return float(ceiling * (0.5 + random.random() / 2))  # noqa: S311 - timing, not secrecy


@lru_cache
def get_settings() -> NotifySettings:
    """The process's settings, read once from the environment."""
    return NotifySettings()
