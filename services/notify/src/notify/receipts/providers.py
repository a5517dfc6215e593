"""The providers that push receipts: how each is authenticated, read and answered."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from notify.channels import aliyun_receipts, tencent_receipts
from notify.channels.base import Receipt
from notify.config import NotifySettings
from pingan_shared.contracts.messages import Channel


@dataclass(frozen=True, slots=True)
class ReceiptProvider:
    """A provider's receipt callback: its channel, parser, expected answer and secret."""

    channel: Channel
    parse: Callable[[bytes], list[Receipt]]
    reply: Mapping[str, Any]
    secret_of: Callable[[NotifySettings], SecretStr | None]


ALIYUN = ReceiptProvider(
    Channel.aliyun_sms,
    aliyun_receipts.parse_receipts,
    aliyun_receipts.RECEIPT_REPLY,
    lambda settings: settings.aliyun_receipt_secret,
)
TENCENT = ReceiptProvider(
    Channel.tencent_sms,
    tencent_receipts.parse_receipts,
    tencent_receipts.RECEIPT_REPLY,
    lambda settings: settings.tencent_receipt_secret,
)


def configured(secret: SecretStr | None) -> bool:
    """Whether a callback secret is set (an unset or empty one turns the callback off)."""
    return bool(secret and secret.get_secret_value())


def admits(secret: SecretStr | None, token: str | None) -> bool:
    """Whether `token` is the callback's secret, compared in constant time; never for an unset
    secret. Digests are compared, so not even the secret's length shows in the timing."""
    if secret is None or not configured(secret) or token is None:
        return False
    expected = hashlib.sha256(secret.get_secret_value().encode()).digest()
    given = hashlib.sha256(token.encode()).digest()
    return hmac.compare_digest(expected, given)


def read_push(provider: ReceiptProvider, body: bytes) -> tuple[list[Receipt], list[str]]:
    """The receipts of a push, and what is wrong with each report that cannot be read.

    A push is a JSON array of reports; one bad report does not cost the others their receipts:
    each report of an array the parser refuses is read on its own.
    """
    try:
        return provider.parse(body), []
    except ValueError as exc:
        refused = str(exc)
    try:
        reports = json.loads(body)
    except ValueError:
        return [], [refused]
    if not isinstance(reports, list):
        return [], [refused]
    receipts: list[Receipt] = []
    errors: list[str] = []
    for index, report in enumerate(reports):
        try:
            receipts.extend(provider.parse(json.dumps([report]).encode()))
        except ValueError as exc:
            errors.append(f"report {index}: {exc}")
    return receipts, errors
