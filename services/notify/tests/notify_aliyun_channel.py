"""Test helpers of the Aliyun SMS channel: deliveries, channels on the fake, and fixtures."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from notify_factories import PHONE
from notify_fake_aliyun import (
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    PROVIDER_TEMPLATES,
    SIGN_NAME,
    FakeAliyunSms,
)
from pydantic import SecretStr

from notify.channels.aliyun_sms import AliyunSmsChannel
from notify.channels.base import Outgoing
from notify.templates import ProviderTemplate, Rendered
from pingan_shared.http import create_http_client
from pingan_shared.observability import mask_phones

PARAMS = {
    "area": "南街社区",
    "category": "盗窃",
    "title": "电动车被盗",
    "occurred_at": "2026-11-20 21:30",
    "severity": "较重",
    "description": "楼下",  # ours only: the approved template does not take it
}


def outgoing(phone: str = PHONE, template: str = "incident_reported", **params: str) -> Outgoing:
    """A delivery by SMS of an incident report (our `PARAMS`, with overrides)."""
    return Outgoing(
        delivery_id=uuid.uuid4(),
        message_key="incident-reported:8b0f6a4e",
        recipient_index=0,
        address=phone,
        display_address=mask_phones(phone),
        content=Rendered(markdown="", text=""),
        template=template,
        params={**PARAMS, **params},
    )


def make_channel(
    client: httpx.AsyncClient,
    *,
    secret: str = ACCESS_KEY_SECRET,
    sign_name: str = SIGN_NAME,
    templates: Mapping[str, ProviderTemplate] = PROVIDER_TEMPLATES,
    skew: timedelta = timedelta(0),
) -> AliyunSmsChannel:
    """A channel on `client` with the fake's credentials unless told otherwise; `skew` sets its
    clock off."""
    return AliyunSmsChannel(
        client,
        access_key_id=ACCESS_KEY_ID,
        access_key_secret=SecretStr(secret),
        sign_name=sign_name,
        templates=templates,
        clock=lambda: datetime.now(UTC) + skew,
    )


@pytest.fixture(name="client")
async def client_fixture(aliyun: FakeAliyunSms) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the fake Aliyun server, as the service creates them."""
    async with create_http_client(aliyun.url, timeout=2) as http:
        yield http


@pytest.fixture(name="channel")
def channel_fixture(client: httpx.AsyncClient) -> AliyunSmsChannel:
    """The channel configured as the fake expects."""
    return make_channel(client)
