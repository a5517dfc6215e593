"""Aliyun SMS (阿里云短信, dysmsapi 2017-05-25): SendSms and QuerySendDetails.

Requests are signed with V3, ACS3-HMAC-SHA256 (`aliyun_signing`): it is Aliyun's current
recommendation (the RPC v1 scheme is "no longer recommended"), it uses SHA-256 instead of SHA-1
and it signs the body hash too. The parameters travel in the query string of a POST with an empty
body, as Aliyun's generated SDK for this API sends them.

Success is `Code == "OK"` in the JSON body; HTTP 200 alone is not. Aliyun offers no idempotency,
so a timeout once the request may have left is `ambiguous`: the engine asks `query`
(QuerySendDetails, matched on our OutId) before sending again, as Aliyun advises. Delivery
receipts (SmsReport) are read by `aliyun_receipts`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
from pydantic import SecretStr

from notify.channels.aliyun_receipts import SHANGHAI, shanghai_time
from notify.channels.aliyun_signing import acs3_headers, canonical_query
from notify.channels.base import (
    Failure,
    Outgoing,
    SendResult,
    sequence_of,
    transport_failure,
)
from notify.config import NotifySettings
from notify.templates import ProviderTemplate
from pingan_shared.contracts.messages import Channel
from pingan_shared.observability import mask_phones

VERSION = "2017-05-25"
MAX_BATCH = 1000  # numbers in one SendSms call
QUERY_PAGE_SIZE = 50  # QuerySendDetails allows 1-50
QUERY_LOOKBACK = timedelta(minutes=15)
"""How long before `sent_at` an unanswered send may have reached Aliyun (timeout and margin)."""
QUERY_MAX_PAGES = 20
BATCH_SEND_SKEW = timedelta(minutes=1)

# SignatureNonceUsed: our random nonce collided; the next request carries a new one.
TRANSIENT_CODES = frozenset(
    {"isp.SYSTEM_ERROR", "InternalError", "ServiceUnavailable", "SignatureNonceUsed"}
)
QUOTA_CODES = frozenset(
    {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL"}
)
# Window named in the message text, as in "触发分钟级流控Permits:1"; the day is a rolling 24 h.
MESSAGE_WINDOWS = (("分钟级", 60.0), ("小时级", 3600.0), ("天级", 86400.0))

NOT_APPROVED = SendResult(
    ok=False,
    failure=Failure.permanent,
    code="template_not_approved",
    detail="no approved Aliyun template for this message's template",
)


def retry_after(code: str, message: str) -> float:
    """Seconds until the quota window named by `message` (or implied by `code`) reopens."""
    for marker, seconds in MESSAGE_WINDOWS:
        if marker in message:
            return seconds
    if code.startswith("Throttling"):
        return 1.0  # the gateway's per-second limit
    # The account's own daily or monthly cap (set in the console): try again a day later; under
    # a monthly cap each later try is refused the same way until the month turns.
    if code in ("isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL"):
        return 86400.0
    return 60.0  # the shortest documented window; a later refusal names the real one


def classify(code: str, message: str) -> tuple[Failure, float | None]:
    """What an error code means: transient, quota (with seconds to wait) or permanent."""
    if code in TRANSIENT_CODES or code.startswith("InternalError"):
        return Failure.transient, None
    if code in QUOTA_CODES or code.startswith("Throttling"):
        return Failure.quota, retry_after(code, message)
    # Bad numbers, unapproved sign or template, blacklists, balance, account, signature: a
    # repeat gets the same answer.
    return Failure.permanent, None


def interpret(response: httpx.Response) -> tuple[SendResult, dict[str, Any]]:
    """Read an answer: the result (ok only for Code "OK") and the parsed body."""
    status = response.status_code
    failed = partial(SendResult, ok=False, code=f"http_{status}", http_status=status)
    if status >= 500:
        return failed(failure=Failure.transient), {}
    try:
        body = response.json()
        code, message = str(body["Code"]), str(body.get("Message", ""))
    except (ValueError, KeyError, TypeError):
        # A 2xx we cannot read may still have sent the SMS: ask before sending again. A 4xx that
        # is not Aliyun's (a proxy, a wrong base URL) will not change on a retry.
        failure = Failure.ambiguous if status < 300 else Failure.permanent
        return failed(failure=failure, detail="not an Aliyun answer"), {}
    if code == "OK" and status == 200:
        return SendResult(ok=True, provider_id=body.get("BizId"), code=code, http_status=200), body
    failure, wait = classify(code, message)
    detail = mask_phones(message)[:500]
    return failed(failure=failure, retry_after=wait, code=code, detail=detail), body


def template_param(template: ProviderTemplate, params: Mapping[str, str]) -> str:
    """The TemplateParam JSON: the template's variables, filled from our parameters."""
    values = {name: params.get(name, "") for name in template.params}
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def batch_out_id(template_code: str, param_json: str) -> str:
    """The OutId of a call to several numbers: derived from what they share, so a later query
    for any one of them can recognise it."""
    digest = hashlib.sha256(f"{template_code}\n{param_json}".encode()).hexdigest()
    return f"batch-{digest[:32]}"


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # a naive instant is taken as UTC


def send_date(sent_at: datetime) -> str:
    """QuerySendDetails' SendDate (yyyyMMdd, Asia/Shanghai) of an instant."""
    return _aware(sent_at).astimezone(SHANGHAI).strftime("%Y%m%d")


class AliyunSmsChannel:
    """Sends approved-template SMS through dysmsapi on a client at the Aliyun base URL."""

    channel = Channel.aliyun_sms
    max_batch = MAX_BATCH

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        access_key_id: str,
        access_key_secret: SecretStr,
        sign_name: str,
        templates: Mapping[str, ProviderTemplate],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.access_key_id = access_key_id
        self._secret = access_key_secret
        self.sign_name = sign_name
        self.templates = dict(templates)
        self.clock = clock

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Send one SMS with the approved template mapped from the delivery's template."""
        return (await self.send_batch([outgoing]))[0]

    async def send_batch(self, outgoings: Sequence[Outgoing]) -> list[SendResult]:
        """Send deliveries sharing template and parameters, up to `max_batch` numbers a call;
        the call's one Code and BizId become every delivery's result."""
        results: dict[int, SendResult] = {}
        groups: dict[tuple[str, str], list[int]] = {}
        for index, outgoing in enumerate(outgoings):
            template = self.templates.get(outgoing.template)
            if template is None:
                results[index] = NOT_APPROVED
                continue
            key = (outgoing.template, template_param(template, outgoing.params))
            groups.setdefault(key, []).append(index)
        for (our_code, param_json), indexes in groups.items():
            template = self.templates[our_code]
            for start in range(0, len(indexes), self.max_batch):
                chunk = indexes[start : start + self.max_batch]
                out_id = (
                    outgoings[chunk[0]].key
                    if len(chunk) == 1
                    else batch_out_id(template.code, param_json)
                )
                phones = ",".join(outgoings[i].address for i in chunk)
                result = await self._send(phones, template.code, param_json, out_id)
                results.update(dict.fromkeys(chunk, result))
        return sequence_of([results[i] for i in range(len(outgoings))], len(outgoings))

    async def _send(self, phones: str, code: str, param_json: str, out_id: str) -> SendResult:
        params = {"PhoneNumbers": phones, "SignName": self.sign_name, "TemplateCode": code}
        if param_json != "{}":
            params["TemplateParam"] = param_json
        params["OutId"] = out_id
        try:
            response = await self._call("SendSms", params)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return transport_failure(exc, request_sent=False)
        except httpx.TransportError as exc:
            return transport_failure(exc, request_sent=True)
        return interpret(response)[0]

    async def query(
        self, outgoing: Outgoing, sent_at: datetime, *, biz_id: str | None = None
    ) -> SendResult | None:
        """Aliyun's record of an earlier send to this delivery's number: ok (sent or delivered),
        failed, or None when no record carries our OutId. A query that itself fails answers
        `ambiguous`: still unknown, ask again later."""
        template = self.templates.get(outgoing.template)
        param_json = template_param(template, outgoing.params) if template else ""
        batch_id = batch_out_id(template.code, param_json) if template else None
        # Aliyun files a record under the Shanghai day it was sent: a send around midnight, or
        # one asked about the next day, is looked for on each day it may lie in.
        days = dict.fromkeys(
            send_date(moment) for moment in (sent_at - QUERY_LOOKBACK, sent_at, self.clock())
        )
        for day in days:
            found = await self._query_day(outgoing, day, sent_at, biz_id, batch_id)
            if found is not None:
                return found
        return None

    async def _query_day(
        self,
        outgoing: Outgoing,
        day: str,
        sent_at: datetime,
        biz_id: str | None,
        batch_id: str | None,
    ) -> SendResult | None:
        params = {
            "PhoneNumber": outgoing.address,
            "SendDate": day,
            "PageSize": str(QUERY_PAGE_SIZE),
        }
        if biz_id:
            params["BizId"] = biz_id
        for page in range(1, QUERY_MAX_PAGES + 1):
            try:
                response = await self._call(
                    "QuerySendDetails", {**params, "CurrentPage": str(page)}
                )
            except httpx.TransportError as exc:
                return _still_unknown(transport_failure(exc, request_sent=True))
            result, body = interpret(response)
            if not result.ok:
                return _still_unknown(result)
            for dto in _details(body):
                out_id = dto.get("OutId")
                if out_id == outgoing.key or (
                    batch_id is not None
                    and out_id == batch_id
                    and _sent_since(dto, _aware(sent_at) - BATCH_SEND_SKEW)
                ):
                    return _detail_result(dto, biz_id)
            if page * QUERY_PAGE_SIZE >= int(body.get("TotalCount") or 0):
                return None
        return None

    async def _call(self, action: str, params: Mapping[str, str]) -> httpx.Response:
        headers = acs3_headers(
            access_key_id=self.access_key_id,
            secret=self._secret.get_secret_value(),
            method="POST",
            host=self.client.base_url.netloc.decode("ascii"),
            path="/",
            query=params,
            action=action,
            version=VERSION,
            payload=b"",
            at=self.clock(),
            nonce=uuid.uuid4().hex,
        )
        # The query is sent exactly as signed; httpx keeps an already-encoded query as it is.
        return await self.client.post("/?" + canonical_query(params), headers=headers)


def _still_unknown(result: SendResult) -> SendResult:
    detail = f"QuerySendDetails failed: {result.detail or result.code}"
    return replace(result, failure=Failure.ambiguous, retry_after=None, detail=detail)


def _details(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    wrapper = body.get("SmsSendDetailDTOs") or {}
    details = wrapper.get("SmsSendDetailDTO", []) if isinstance(wrapper, dict) else wrapper
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


def _sent_since(dto: Mapping[str, Any], since: datetime) -> bool:
    try:
        return shanghai_time(str(dto.get("SendDate"))) >= since
    except ValueError:
        return False


def _detail_result(dto: Mapping[str, Any], biz_id: str | None) -> SendResult:
    """SendStatus 1 waits for its receipt, 2 failed, 3 was delivered."""
    status = str(dto.get("SendStatus"))
    err_code = str(dto.get("ErrCode") or "")
    if status in ("1", "3"):
        code = err_code or ("DELIVERED" if status == "3" else "waiting_receipt")
        return SendResult(ok=True, provider_id=biz_id, code=code)
    if status == "2":
        failed = partial(SendResult, ok=False, provider_id=biz_id, failure=Failure.permanent)
        return failed(code=err_code or "failed", detail="Aliyun reports it undelivered")
    return SendResult(ok=False, failure=Failure.ambiguous, code=f"send_status_{status}")


def from_settings(settings: NotifySettings, client: httpx.AsyncClient) -> AliyunSmsChannel | None:
    """The channel on `client`, or None while the key pair or the sign name is not configured."""
    secret = settings.aliyun_access_key_secret
    if not (settings.aliyun_access_key_id and secret and secret.get_secret_value()):
        return None
    if not settings.aliyun_sign_name:
        return None
    return AliyunSmsChannel(
        client,
        access_key_id=settings.aliyun_access_key_id,
        access_key_secret=secret,
        sign_name=settings.aliyun_sign_name,
        templates=settings.aliyun_sms_templates,
    )
