"""Tencent Cloud SMS delivery receipts (短信回执): the callback body as Tencent documents it."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from notify.channels.tencent_receipts import RECEIPT_REPLY, TENCENT_TIMEZONE, parse_receipts


def test_receipts_are_read_with_serial_no_as_provider_id() -> None:
    body = json.dumps(
        [
            {
                "user_receive_time": "2026-11-20 21:31:05",
                "nationcode": "86",
                "mobile": "13800001111",
                "report_status": "SUCCESS",
                "errmsg": "DELIVRD",
                "description": "用户短信送达成功",
                "sid": "2640:0000000000000000000000000001",
            },
            {
                "user_receive_time": "",
                "nationcode": "86",
                "mobile": "13900002222",
                "report_status": "FAIL",
                "errmsg": "MK:0005",
                "description": "号码 13900002222 关机",
                "sid": "2640:0000000000000000000000000002",
            },
        ]
    ).encode()
    delivered, failed = parse_receipts(body)
    assert (delivered.provider_id, delivered.delivery_key, delivered.delivered) == (
        "2640:0000000000000000000000000001",
        None,
        True,
    )
    assert delivered.code == "DELIVRD"
    assert delivered.at == datetime(2026, 11, 20, 21, 31, 5, tzinfo=TENCENT_TIMEZONE)
    assert (failed.delivered, failed.code, failed.at) == (False, "MK:0005", None)
    assert "13900002222" not in (failed.detail or "")
    assert RECEIPT_REPLY == {"result": 0, "errmsg": "OK"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b'{"sid": "1"}', "JSON array"),
        (b'["x"]', "receipt 0 is not an object"),
        (b'[{"report_status": "SUCCESS"}]', "receipt 0 has no sid"),
        (b'[{"sid": "1", "report_status": "OK"}]', "not SUCCESS or FAIL"),
        (b'[{"sid": "1", "report_status": "FAIL", "user_receive_time": "yesterday"}]', "time"),
    ],
)
def test_malformed_receipts_are_refused_with_a_reason(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_receipts(body)
