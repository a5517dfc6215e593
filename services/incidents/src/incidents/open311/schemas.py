"""Open311 GeoReport v2 shapes, fields in the specification's order (XML follows it element by
element; JSON is the Spark mapping of the same fields)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel


class Format(StrEnum):
    """The format suffix of every Open311 URL."""

    json = "json"
    xml = "xml"


class Endpoint(BaseModel):
    """An endpoint of the discovery document."""

    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(BaseModel):
    """The service discovery document (`discovery.{fmt}`)."""

    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Service(BaseModel):
    """A service (服务类型): one category of the catalogue."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class ServiceDefinition(BaseModel):
    """A service's extra fields; ours have none (`metadata` is false)."""

    service_code: str
    attributes: list[dict[str, str]]


class CreatedRequest(BaseModel):
    """The answer to `POST requests`: the id at once (every service is `realtime`)."""

    service_request_id: str
    service_notice: str | None
    account_id: str | None


class RequestToken(BaseModel):
    """The answer to `GET tokens/{token}`."""

    service_request_id: str
    token: str


class ServiceRequest(BaseModel):
    """A service request: an incident as the public sees it, without anything of its reporter."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float
    long: float
    media_url: str | None


class ErrorItem(BaseModel):
    """One error of an Open311 error answer."""

    code: int
    description: str


@dataclass(frozen=True, slots=True)
class RequestsQuery:
    """The filters of `GET requests`; `ids`, when given, override every other one."""

    ids: tuple[uuid.UUID, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    statuses: tuple[Literal["open", "closed"], ...] = ()
    area_prefix: str | None = None
    page: int = 1
    page_size: int = 1000


@dataclass(frozen=True, slots=True)
class NewRequest:
    """A checked `POST requests` form."""

    service_code: str
    area_code: str
    lat: float | None
    lon: float | None
    address: str | None
    description: str | None
    reporter_name: str | None
    reporter_phone: str | None
    account_id: str | None
    media_url: str | None
