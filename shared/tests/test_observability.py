"""Logs are JSON and never carry a phone number in clear, whoever logs it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from pingan_shared.observability import configure_logging


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("test", json_logs=True, stream=stream)
    yield stream
    structlog.reset_defaults()
    logging.getLogger().handlers = []


def test_structlog_and_stdlib_lines_mask_phones(json_logs: io.StringIO) -> None:
    structlog.get_logger("x").info(
        "reported", reporter_phone="13912345678", note="call 13800001111"
    )
    logging.getLogger("arq.worker").info("send_message({'phone': '13700002222'})")
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    assert lines[0]["reporter_phone"] == "139****5678"
    assert lines[0]["note"] == "call 138****1111"
    assert "137****2222" in lines[1]["event"]
    assert all(line["service"] == "test" for line in lines)
