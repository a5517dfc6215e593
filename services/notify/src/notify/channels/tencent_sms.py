"""Tencent Cloud SMS (腾讯云短信): `SendSms`, API version 2021-01-11, signed with TC3-HMAC-SHA256.

One call takes up to 200 numbers sharing a template and its parameters. The answer is HTTP 200
either way: a whole-request failure is `Response.Error{Code, Message}`, otherwise every number has
its own `Code` in `Response.SendStatusSet` ("Ok" or an error), so each is read on its own. The
`SerialNo` of a sent number is its provider id; delivery receipts (回执, `tencent_receipts`) carry
it as `sid` and do not carry our `SessionContext`. Tencent offers no status query here, so a request that may have
reached it without an answer is `ambiguous` and the engine decides.

Template parameters: Tencent refuses a value longer than 12 characters with
`InvalidParameterValue.TemplateParameterLengthLimit` unless the account is enterprise-verified
(and every character, Chinese or not, counts as one). Values are cut to `param_limit` characters
(12 unless told otherwise, `None` for no cut), the last one replaced by "…", so a long title
still reaches the phone instead of failing the delivery.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import httpx
from pydantic import SecretStr

from notify.channels.base import Failure, Outgoing, SendResult, transport_failure
from notify.channels.tencent_signing import api_headers
from notify.config import NotifySettings
from notify.templates import ProviderTemplate
from pingan_shared.contracts.messages import Channel
from pingan_shared.observability import mask_phones

SERVICE = "sms"
ACTION = "SendSms"
VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"
MAX_BATCH = 200
SESSION_CONTEXT_LIMIT_BYTES = 512
PARAM_LIMIT_CHARS = 12
DAY_SECONDS = 24 * 3600.0
_MAINLAND_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")

# Frequency and volume limits: seconds until the window reopens (None: the window is the app's
# own console policy, which the answer does not name).
QUOTA_WINDOWS: Final[Mapping[str, float | None]] = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
    "LimitExceeded.PhoneNumberOneHourLimit": 3600.0,
    "LimitExceeded.PhoneNumberDailyLimit": DAY_SECONDS,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": DAY_SECONDS,
    "LimitExceeded.DeliveryFrequencyLimit": None,
    "LimitExceeded.AppDailyLimit": DAY_SECONDS,
    "LimitExceeded.AppMainlandChinaDailyLimit": DAY_SECONDS,
    "LimitExceeded.DailyLimit": DAY_SECONDS,
    "RequestLimitExceeded": 1.0,  # the API's own 3000 requests per second
}


def classify(code: str) -> tuple[Failure, float | None]:
    """What a Tencent error code means for the delivery, and when its quota window reopens."""
    if code in QUOTA_WINDOWS:
        return Failure.quota, QUOTA_WINDOWS[code]
    # A signature is refused as expired when our clock is more than 5 minutes off Tencent's;
    # the next try is signed afresh, so it is worth retrying (and worth an alert on the clock).
    if code.startswith("InternalError") or code == "AuthFailure.SignatureExpire":
        return Failure.transient, None
    # Unapproved sign or template, blacklisted or malformed number, bad credentials, balance …
    return Failure.permanent, None


def e164(address: str) -> str | None:
    """A mainland mobile number as `+86…`, the form `PhoneNumberSet` takes; None if not one."""
    match = _MAINLAND_MOBILE.fullmatch(address.replace(" ", "").replace("-", ""))
    return f"+86{match.group(1)}" if match else None


def cut_param(value: str, limit: int | None) -> str:
    """A template parameter cut to `limit` characters, its last one "…" when cut."""
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def session_context(outgoings: Sequence[Outgoing]) -> str:
    """The delivery key of one send; for a batch (or an over-long key), a digest of the keys."""
    if len(outgoings) == 1 and len(outgoings[0].key.encode()) <= SESSION_CONTEXT_LIMIT_BYTES:
        return outgoings[0].key
    digest = hashlib.sha256("\n".join(o.key for o in outgoings).encode()).hexdigest()[:32]
    return f"batch:{len(outgoings)}:{digest}"


class TencentSmsChannel:
    """Sends template SMS through Tencent Cloud with a client on the SMS base URL."""

    channel = Channel.tencent_sms
    max_batch = MAX_BATCH

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        secret_id: str,
        secret_key: SecretStr,
        app_id: str,
        sign_name: str,
        templates: Mapping[str, ProviderTemplate],
        region: str = "ap-guangzhou",
        param_limit: int | None = PARAM_LIMIT_CHARS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.app_id = app_id
        self.sign_name = sign_name
        self.templates = dict(templates)
        self.region = region
        self.param_limit = param_limit
        self.clock = clock

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Send one delivery (a batch of one)."""
        return (await self.send_batch([outgoing]))[0]

    async def send_batch(self, outgoings: Sequence[Outgoing]) -> list[SendResult]:
        """One `SendSms` for deliveries sharing template and parameters; results in order."""
        if not outgoings:
            return []
        first = outgoings[0]
        if len(outgoings) > MAX_BATCH or any(
            (o.template, dict(o.params)) != (first.template, dict(first.params)) for o in outgoings
        ):
            raise ValueError(
                f"a batch is at most {MAX_BATCH} deliveries of one template and params"
            )
        template = self.templates.get(first.template)
        if template is None:
            unmapped = SendResult(
                ok=False,
                failure=Failure.permanent,
                code="template_not_approved",
                detail=f"no Tencent template for {first.template!r}",
            )
            return [unmapped] * len(outgoings)
        phones = [e164(o.address) for o in outgoings]
        sendable = [o for o, phone in zip(outgoings, phones, strict=True) if phone]
        by_phone: dict[str, list[SendResult]] = {}
        if sendable:
            params = [
                cut_param(first.params.get(name, ""), self.param_limit) for name in template.params
            ]
            body = {
                "PhoneNumberSet": [phone for phone in phones if phone],
                "SmsSdkAppId": self.app_id,
                "SignName": self.sign_name,
                "TemplateId": template.code,
                "TemplateParamSet": params,
                "SessionContext": session_context(sendable),
            }
            by_phone = await self._post(body)
        return [_take(by_phone, phone) for phone in phones]

    async def _post(self, body: dict[str, Any]) -> dict[str, list[SendResult]]:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        request = self.client.build_request("POST", "/", content=payload)
        # Signed with the Host this very request carries, whatever the configured base URL.
        request.headers.update(
            api_headers(
                secret_id=self.secret_id,
                secret_key=self.secret_key.get_secret_value(),
                service=SERVICE,
                action=ACTION,
                version=VERSION,
                region=self.region,
                timestamp=int(self.clock()),
                payload=payload,
                content_type=CONTENT_TYPE,
                host=request.headers["Host"],
            )
        )
        phones: list[str] = body["PhoneNumberSet"]
        try:
            response = await self.client.send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return _all(phones, transport_failure(exc, request_sent=False))
        except httpx.TransportError as exc:
            return _all(phones, transport_failure(exc, request_sent=True))
        return interpret(response, phones)


def interpret(response: httpx.Response, phones: Sequence[str]) -> dict[str, list[SendResult]]:
    """Tencent's answer read per number (E.164), in the order it lists them."""
    status = response.status_code
    if status >= 500:
        return _all(phones, _failed(Failure.transient, f"http_{status}", None, status))
    try:
        answer = response.json()["Response"]
        error = answer.get("Error")
        statuses = [] if error else [dict(entry) for entry in answer["SendStatusSet"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        # A 200 that is not Tencent's JSON came after the request reached it: it may have gone.
        failure = Failure.ambiguous if status == 200 else Failure.permanent
        return _all(phones, _failed(failure, f"http_{status}", "not a Tencent answer", status))
    if error:
        message = f"{error.get('Message', '')} (RequestId {answer.get('RequestId', '')})"
        return _all(phones, _coded(str(error.get("Code") or "unknown"), message, status))
    results: dict[str, list[SendResult]] = {}
    for entry in statuses:
        code = str(entry.get("Code") or "unknown")
        result = (
            SendResult(ok=True, provider_id=entry.get("SerialNo"), code=code, http_status=status)
            if code == "Ok"
            else _coded(code, str(entry.get("Message", "")), status)
        )
        results.setdefault(str(entry.get("PhoneNumber")), []).append(result)
    return results


def _coded(code: str, message: str, status: int) -> SendResult:
    failure, retry_after = classify(code)
    if code == "AuthFailure.SignatureExpire":
        message = f"clock skew: our clock is over 5 minutes off Tencent's; {message}"
    return _failed(failure, code, mask_phones(message)[:500], status, retry_after)


def _failed(
    failure: Failure,
    code: str,
    detail: str | None,
    status: int | None,
    retry_after: float | None = None,
) -> SendResult:
    return SendResult(
        ok=False,
        failure=failure,
        retry_after=retry_after,
        code=code,
        detail=detail,
        http_status=status,
    )


def _all(phones: Sequence[str], result: SendResult) -> dict[str, list[SendResult]]:
    return {phone: [result] * phones.count(phone) for phone in phones}


def _take(by_phone: dict[str, list[SendResult]], phone: str | None) -> SendResult:
    if phone is None:
        return _failed(Failure.permanent, "invalid_phone", "not a mainland mobile number", None)
    results = by_phone.get(phone)
    if not results:
        # Tencent answered without a word on this number: it may or may not have sent it.
        return _failed(Failure.ambiguous, "missing_status", "no SendStatus for the number", 200)
    return results.pop(0)


def from_settings(settings: NotifySettings, client: httpx.AsyncClient) -> TencentSmsChannel | None:
    """The channel on `client` (on `tencent_sms_base_url`), or None when Tencent is not configured."""
    secret_key = settings.tencent_secret_key
    if not (
        settings.tencent_secret_id
        and secret_key
        and secret_key.get_secret_value()
        and settings.tencent_sms_app_id
        and settings.tencent_sign_name
    ):
        return None
    return TencentSmsChannel(
        client,
        secret_id=settings.tencent_secret_id,
        secret_key=secret_key,
        app_id=settings.tencent_sms_app_id,
        sign_name=settings.tencent_sign_name,
        templates=settings.tencent_sms_templates,
        region=settings.tencent_region,
    )
