"""Tencent Cloud SMS delivery receipts (短信回执): the callback's body read into `Receipt`s.

Tencent posts a JSON array `[{user_receive_time, nationcode, mobile, report_status, errmsg,
description, sid}]`, where `sid` is the `SerialNo` SendSms answered; the callback does not carry
our `SessionContext`, so receipts join deliveries on the provider id. Tencent expects
`RECEIPT_REPLY` back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from notify.channels.base import Receipt
from pingan_shared.observability import mask_phones

RECEIPT_REPLY: Final = {"result": 0, "errmsg": "OK"}
# Receipt times are Beijing time whatever our business time zone is.
TENCENT_TIMEZONE = ZoneInfo("Asia/Shanghai")


def parse_receipts(body: bytes) -> list[Receipt]:
    """The receipts of one callback: a JSON array of `{sid, report_status, errmsg, …}`.

    `sid` is the SerialNo of the send; ValueError says what is wrong with a malformed body.
    """
    try:
        items = json.loads(body)
    except ValueError as exc:
        raise ValueError(f"Tencent receipt body is not JSON: {exc}") from exc
    if not isinstance(items, list):
        raise ValueError("Tencent receipt body must be a JSON array")
    return [_receipt(index, item) for index, item in enumerate(items)]


def _receipt(index: int, item: Any) -> Receipt:
    where = f"Tencent receipt {index}"
    if not isinstance(item, dict):
        raise ValueError(f"{where} is not an object")
    sid, status = item.get("sid"), item.get("report_status")
    if not isinstance(sid, str) or not sid:
        raise ValueError(f"{where} has no sid")
    if status not in ("SUCCESS", "FAIL"):
        raise ValueError(f"{where} has report_status {status!r}, not SUCCESS or FAIL")
    errmsg, description = item.get("errmsg") or status, item.get("description")
    received = item.get("user_receive_time") or None
    try:
        at = (
            datetime.strptime(received, "%Y-%m-%d %H:%M:%S").replace(tzinfo=TENCENT_TIMEZONE)
            if received is not None
            else None
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} has user_receive_time {received!r}") from exc
    return Receipt(
        provider_id=sid,
        delivery_key=None,  # the callback does not carry SessionContext
        delivered=status == "SUCCESS",
        code=str(errmsg),
        detail=mask_phones(str(description))[:500] if description else None,
        at=at,
        phone=str(item["mobile"]) if item.get("mobile") else None,
    )
