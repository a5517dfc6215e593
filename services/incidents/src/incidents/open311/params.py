"""Parsing Open311 parameters: a parameter sent empty counts as absent; every problem found is
reported at once as a 400."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal, cast
from urllib.parse import parse_qs

from incidents.open311.errors import Open311Error
from incidents.open311.schemas import NewRequest, RequestsQuery

MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_IDS = 1000
MAX_FORM_BYTES = 64 * 1024
MAX_DESCRIPTION = 4000
AREA_CODE = re.compile(r"^\d{6,20}$")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_PHONE_NOISE = re.compile(r"[\s\-()]")
CHINESE_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _clean(params: Mapping[str, str | None]) -> dict[str, str]:
    return {k: v.strip() for k, v in params.items() if v is not None and v.strip()}


def parse_time(name: str, value: str, errors: list[str]) -> datetime | None:
    """A W3C/ISO 8601 time with its offset; the offset is required."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        errors.append(f"{name}: not a W3C datetime such as 2026-11-01T00:00:00+08:00")
        return None
    if parsed.utcoffset() is None:
        errors.append(f"{name}: give the time zone (Z or +08:00)")
        return None
    return parsed


def _period(
    start: datetime | None, end: datetime | None, now: datetime, errors: list[str]
) -> tuple[datetime, datetime]:
    if start is None and end is None:
        return now - MAX_SPAN, now
    if start is None:
        assert end is not None
        return end - MAX_SPAN, end
    if end is None:
        return start, start + MAX_SPAN
    if start > end:
        errors.append("start_date: must not be after end_date")
    elif end - start > MAX_SPAN:
        errors.append("end_date: the range may not span more than 90 days")
    return start, end


def _positive(name: str, value: str | None, default: int, top: int, errors: list[str]) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= top:
        errors.append(f"{name}: a whole number from 1 to {top}")
        return default
    return int(value)


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def requests_query(raw: Mapping[str, str | None], now: datetime | None = None) -> RequestsQuery:
    """The filters of `GET requests`; a 400 naming every bad parameter."""
    params = _clean(raw)
    errors: list[str] = []
    ids: list[uuid.UUID] = []
    for value in _list(params.get("service_request_id")):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            errors.append(f"service_request_id: {value!r} is not a service_request_id")
    if len(ids) > MAX_IDS:
        errors.append(f"service_request_id: at most {MAX_IDS} at once")
    statuses = _list(params.get("status"))
    for status in statuses:
        if status not in ("open", "closed"):
            errors.append(f"status: {status!r} is neither open nor closed")
    times = {
        name: parse_time(name, params[name], errors) if name in params else None
        for name in ("start_date", "end_date", "updated_after", "updated_before")
    }
    start, end = times["start_date"], times["end_date"]
    if times["updated_after"] is None or start is not None or end is not None:
        # A changeset query (updated_after alone) reaches older requests: no default window.
        start, end = _period(start, end, now or datetime.now(UTC), errors)
    jurisdiction = params.get("jurisdiction_id")
    if jurisdiction is not None and not AREA_CODE.match(jurisdiction):
        errors.append("jurisdiction_id: not an area code (区划代码)")
    page = _positive("page", params.get("page"), 1, 1_000_000, errors)
    page_size = _positive(
        "page_size", params.get("page_size"), MAX_PAGE_SIZE, MAX_PAGE_SIZE, errors
    )
    if errors:
        raise Open311Error(400, *errors)
    return RequestsQuery(
        ids=tuple(dict.fromkeys(ids)),
        service_codes=tuple(dict.fromkeys(_list(params.get("service_code")))),
        start=start,
        end=end,
        updated_after=times["updated_after"],
        updated_before=times["updated_before"],
        statuses=tuple(cast(Literal["open", "closed"], s) for s in dict.fromkeys(statuses)),
        area_prefix=jurisdiction,
        page=page,
        page_size=page_size,
    )


def parse_form(body: bytes) -> dict[str, str]:
    """An `application/x-www-form-urlencoded` body (UTF-8), first value of each name."""
    if len(body) > MAX_FORM_BYTES:
        raise Open311Error(400, f"the request body exceeds {MAX_FORM_BYTES} bytes")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise Open311Error(400, "the body is not UTF-8 form data") from None
    return _clean({name: values[0] for name, values in parsed.items()})


def _location(form: dict[str, str], errors: list[str]) -> tuple[float | None, float | None]:
    lat_text, lon_text = form.get("lat"), form.get("long")
    if (lat_text is None) != (lon_text is None):
        errors.append("lat, long: send both")
        return None, None
    if lat_text is None or lon_text is None:
        if "address_string" not in form and "address_id" not in form:
            errors.append("location: give lat and long, or address_string (or address_id)")
        return None, None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        errors.append("lat, long: numbers in degrees (WGS84)")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors.append("lat, long: outside the range of WGS84 degrees")
        return None, None
    return lat, lon


def _reporter_name(form: dict[str, str]) -> str | None:
    first, last = form.get("first_name", ""), form.get("last_name", "")
    if _CJK.search(first + last):
        return (last + first) or None  # 王 + 芳 → 王芳: family name first, no space
    return f"{first} {last}".strip() or None


def _phone(value: str | None, errors: list[str]) -> str | None:
    if value is None:
        return None
    phone = _PHONE_NOISE.sub("", value).removeprefix("+86").removeprefix("0086")
    if not CHINESE_MOBILE.match(phone):
        errors.append("phone: not a Chinese mobile number (手机号)")
        return None
    return phone


def new_request(form: dict[str, str]) -> NewRequest:
    """The checked fields of `POST requests` (after its api_key was accepted)."""
    errors: list[str] = []
    for required in ("service_code", "jurisdiction_id"):
        if required not in form:
            errors.append(f"{required}: was not provided")
    if "jurisdiction_id" in form and not AREA_CODE.match(form["jurisdiction_id"]):
        errors.append("jurisdiction_id: not an area code (区划代码)")
    lat, lon = _location(form, errors)
    description = form.get("description")
    if description is not None and len(description) > MAX_DESCRIPTION:
        errors.append(f"description: longer than {MAX_DESCRIPTION} characters")
    if description is not None and _TAG.search(description):
        errors.append("description: may contain line breaks but no HTML")
    name = _reporter_name(form)
    if name is not None and len(name) > 100:
        errors.append("first_name, last_name: longer than 100 characters together")
    phone = _phone(form.get("phone"), errors)
    media_url = form.get("media_url")
    if media_url is not None and (
        not media_url.startswith(("http://", "https://")) or len(media_url) > 2000
    ):
        errors.append("media_url: an http(s) URL of at most 2000 characters")
    account_id = form.get("account_id")
    if account_id is not None and len(account_id) > 200:
        errors.append("account_id: longer than 200 characters")
    address = form.get("address_string") or form.get("address_id")
    if address is not None and len(address) > 300:
        errors.append("address_string: longer than 300 characters")
    if errors:
        raise Open311Error(400, *errors)
    return NewRequest(
        service_code=form["service_code"],
        area_code=form["jurisdiction_id"],
        lat=lat,
        lon=lon,
        address=address,
        description=description,
        reporter_name=name,
        reporter_phone=phone,
        account_id=account_id,
        media_url=media_url,
    )
