"""Aliyun SMS delivery receipts (阿里云短信回执, SmsReport) and Aliyun's wall-clock times.

Aliyun POSTs a JSON array of reports, one per number, and expects HTTP 200 with `RECEIPT_REPLY`;
a push it does not see answered is retried at +1, +5 and +10 minutes, then dropped. Times are
`yyyy-MM-dd HH:mm:ss` in Asia/Shanghai whatever our business time zone is.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from notify.channels.base import Receipt
from pingan_shared.observability import mask_phones

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIPT_REPLY: dict[str, Any] = {"code": 0, "msg": "接收成功"}


def shanghai_time(value: str) -> datetime:
    """An Aliyun `yyyy-MM-dd HH:mm:ss` (Asia/Shanghai) as an aware datetime."""
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def parse_receipts(body: bytes) -> list[Receipt]:
    """SmsReport's JSON array as receipts; ValueError naming what is wrong otherwise."""
    try:
        reports = json.loads(body)
    except ValueError:
        raise ValueError("SmsReport body is not JSON") from None
    if not isinstance(reports, list):
        raise ValueError("SmsReport body must be a JSON array of reports")
    return [_receipt(index, report) for index, report in enumerate(reports)]


def _receipt(index: int, report: Any) -> Receipt:
    if not isinstance(report, dict):
        raise ValueError(f"report {index}: must be an object")
    success, biz_id = report.get("success"), report.get("biz_id")
    if not isinstance(success, bool):
        raise ValueError(f"report {index}: success must be true or false")
    if not isinstance(biz_id, str) or not biz_id:
        raise ValueError(f"report {index}: biz_id is required")
    try:
        at = shanghai_time(str(report["report_time"]))
    except (KeyError, ValueError):
        raise ValueError(f"report {index}: report_time must be yyyy-MM-dd HH:mm:ss") from None
    out_id = report.get("out_id")
    err_msg = report.get("err_msg")
    return Receipt(
        provider_id=biz_id,
        delivery_key=str(out_id) if out_id else None,
        delivered=success,
        code=str(report.get("err_code") or ("DELIVERED" if success else "failed")),
        detail=mask_phones(str(err_msg))[:500] if err_msg else None,
        at=at,
        # One SendSms to several numbers shares a BizId and an OutId: the number tells them apart.
        phone=str(report["phone_number"]) if report.get("phone_number") else None,
    )
