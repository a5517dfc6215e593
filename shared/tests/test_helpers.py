"""Pure helpers: phone masking, cursors, If-Match, queue serialisation, the message contract."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pingan_shared.concurrency import check_version, parse_if_match
from pingan_shared.contracts.messages import Channel, Recipient, SendMessage
from pingan_shared.errors import ProblemError
from pingan_shared.observability import mask_phones
from pingan_shared.pagination import decode_cursor, encode_cursor
from pingan_shared.queue import deserialize, serialize


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("call +86 13812345678 now", "call +86 138****5678 now"),
        ("两个号码 13912345678,15000001111", "两个号码 139****5678,150****1111"),
        ("order 213812345678 is not a phone", "order 213812345678 is not a phone"),
        ("12345678901", "12345678901"),
    ],
)
def test_mask_phones(text: str, masked: str) -> None:
    assert mask_phones(text) == masked


def test_cursor_round_trip_and_garbage() -> None:
    key = ["2026-11-28T12:00:00+00:00", "3f1c"]
    assert decode_cursor(encode_cursor(key)) == key
    for garbage in ["%%%", "bm90IGpzb24", encode_cursor.__name__]:
        with pytest.raises(ProblemError) as refused:
            decode_cursor(garbage)
        assert refused.value.status == 422


@pytest.mark.parametrize(("header", "version"), [('"3"', 3), ('W/"3"', 3), ("3", 3), ("*", None)])
def test_parse_if_match(header: str, version: int | None) -> None:
    assert parse_if_match(header) == version


def test_check_version() -> None:
    check_version(3, '"3"')
    with pytest.raises(ProblemError) as stale:
        check_version(4, '"3"')
    assert stale.value.status == 412
    with pytest.raises(ProblemError) as missing:
        check_version(4, None)
    assert missing.value.status == 428


def test_queue_serialisation_is_json() -> None:
    job = {"t": 1, "f": "send_message", "a": [{"message_key": "k"}], "k": {}}
    raw = serialize(job)
    assert raw.startswith(b"{")
    assert deserialize(raw) == job


def test_send_message_contract() -> None:
    message = SendMessage(
        message_key="k", template="t", recipients=[Recipient(wecom_robot_key="r")]
    )
    assert message.version == 1
    assert message.recipients[0].address_for(Channel.wecom_robot) == "r"
    with pytest.raises(ValidationError):
        Recipient(name="nobody")
    with pytest.raises(ValidationError):
        SendMessage.model_validate(
            {"message_key": "k", "template": "t", "recipients": [], "version": 1}
        )
    with pytest.raises(ValidationError):
        SendMessage.model_validate(
            {"message_key": "k", "template": "t", "recipients": [{"phone": "1"}]}
        )
