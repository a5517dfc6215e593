"""A local fake of Aliyun SMS (阿里云短信, dysmsapi 2017-05-25) that checks requests as Aliyun does.

It verifies both signatures Aliyun accepts (`notify_fake_aliyun_auth`: V3 ACS3-HMAC-SHA256 with a
fresh `x-acs-date` and the body hash, RPC v1 with a fresh `Timestamp`), refuses a reused nonce,
checks SendSms' and QuerySendDetails' parameters, records every number a SendSms reaches (with
its OutId and BizId) and answers QuerySendDetails from those records
(`notify_fake_aliyun_dysms`). Point `NOTIFY_ALIYUN_SMS_BASE_URL` at `.url`:

    with FakeAliyunSms() as aliyun:
        ...  # send
        assert [sms.phone for sms in aliyun.sent] == ["13800001111"]

It can be told to answer the next calls with an error code, a 5xx or a body that is not JSON,
or to hang past the client's timeout (after recording the send: the SMS went out, the answer was
lost). Tests import `aliyun_fixture` and `fake_aliyun_fixture` to get the `aliyun` (reset per
test) and the session's `fake_aliyun` fixtures.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import pytest
from notify_fake_aliyun_auth import AuthError, verify_request
from notify_fake_aliyun_dysms import (
    MESSAGES,
    Answer,
    SentSms,
    check_send,
    error,
    missing,
    query_send_details,
    receipts_body,
    records,
    request_id,
)

from notify.templates import ProviderTemplate
from pingan_shared.testing.http_fake import LocalHttpFake, Reply, Request

ACCESS_KEY_ID = "LTAI5tPinganFakeKey"
ACCESS_KEY_SECRET = "pingan-fake-secret"
SIGN_NAME = "平安县"
# Approved template codes and their variables, and our templates mapped onto them.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "SMS_480001": ("area", "category", "title", "occurred_at", "severity"),
    "SMS_480002": ("text",),
}
PROVIDER_TEMPLATES = {
    "incident_reported": ProviderTemplate("SMS_480001", TEMPLATES["SMS_480001"]),
    "generic_text": ProviderTemplate("SMS_480002", TEMPLATES["SMS_480002"]),
}


@dataclass(frozen=True)
class _Script:
    action: str
    status: int = 200
    code: str = "isp.SYSTEM_ERROR"
    message: str = ""
    raw: bytes | None = None
    hang: float = 0.0
    record: bool = False


@dataclass
class FakeAliyunSms(LocalHttpFake):
    """dysmsapi on a free local port; `sent` holds every number reached, `requests` every call."""

    access_key_id: str = ACCESS_KEY_ID
    access_key_secret: str = ACCESS_KEY_SECRET
    sign_name: str = SIGN_NAME
    templates: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(TEMPLATES))
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    sent: list[SentSms] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, tuple[int, str]] = field(default_factory=dict)
    content_type = "application/json;charset=utf-8"

    def __post_init__(self) -> None:
        super().__init__()
        self._scripts: list[_Script] = []
        self._nonces: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def fail_next(
        self, n: int, code: str, message: str | None = None, action: str = "SendSms"
    ) -> None:
        """Answer the next `n` `action` calls with HTTP 200 and error `code`."""
        text = MESSAGES.get(code, code) if message is None else message
        self._script(n, _Script(action, code=code, message=text))

    def error_status_next(self, n: int, status: int = 503, action: str = "SendSms") -> None:
        """Answer the next `n` `action` calls with HTTP `status` and Aliyun's error body."""
        message = "The request has failed due to a temporary failure of the server."
        self._script(n, _Script(action, status=status, code="ServiceUnavailable", message=message))

    def garbage_next(
        self, n: int, raw: bytes = b"<html>502</html>", action: str = "SendSms"
    ) -> None:
        """Answer the next `n` `action` calls with HTTP 200 and a body that is not JSON."""
        self._script(n, _Script(action, raw=raw))

    def hang_next(
        self, n: int, seconds: float, *, record: bool = True, action: str = "SendSms"
    ) -> None:
        """Hold the next `n` `action` calls for `seconds` (past the client's timeout); with
        `record`, the SMS is sent (recorded) before the hang, as when only the answer is lost."""
        self._script(n, _Script(action, hang=seconds, record=record))

    def set_outcome(self, phone: str, send_status: int, err_code: str) -> None:
        """How later sends to `phone` end: SendStatus 1, 2 (with `err_code`) or 3."""
        with self._lock:
            self.outcomes[phone] = (send_status, err_code)

    def _script(self, n: int, script: _Script) -> None:
        with self._lock:
            self._scripts.extend([script] * n)

    def reset(self) -> None:
        """Forget sends, requests, scripts, outcomes and nonces; release hanging calls."""
        with self._lock:
            self.sent.clear()
            self.requests.clear()
            self.outcomes.clear()
            self._scripts.clear()
            self._nonces.clear()
            self.release_holds()

    def receipts_body(self) -> bytes:
        """The SmsReport push Aliyun would make for the sends recorded so far."""
        with self._lock:
            return receipts_body(self.sent)

    def respond(self, request: Request) -> Reply:
        """Answer one request (called by the server's threads), after its hang if scripted."""
        answer = self._handle(request)
        if answer.hang:
            self.hold(answer.hang)
        if answer.raw is not None:
            return answer.status, answer.raw
        return answer.status, answer.body or {}

    def _handle(self, request: Request) -> Answer:
        form: dict[str, str] = {}
        if "x-www-form-urlencoded" in request.headers.get("content-type", ""):
            form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
        with self._lock:
            try:
                scheme, action, params = verify_request(
                    request.method,
                    request.path or "/",
                    request.query,
                    form,
                    request.headers,
                    request.body,
                    secrets={self.access_key_id: self.access_key_secret},
                    now=self.clock(),
                    nonces=self._nonces,
                )
            except AuthError as exc:
                return error(exc.status, exc.code, exc.message)
            self.requests.append({"scheme": scheme, "action": action, "params": params})
            script = next((s for s in self._scripts if s.action == action), None)
            if script is not None:
                self._scripts.remove(script)
                if not script.hang:
                    return _scripted(script)
            if action == "SendSms":
                answer = self._send_sms(params, record=script is None or script.record)
            elif action == "QuerySendDetails":
                answer = query_send_details(params, self.sent)
            else:
                return error(404, "InvalidAction.NotFound", "Specified api is not found.")
            answer.hang = script.hang if script else 0.0
            return answer

    def _send_sms(self, params: Mapping[str, str], *, record: bool) -> Answer:
        refused = missing(params, ("PhoneNumbers", "SignName", "TemplateCode"))
        if refused:
            return refused
        code = check_send(params, self.sign_name, self.templates)
        if code:
            return error(200, code)
        biz_id = f"{uuid.uuid4().int % 10**18:018d}^0"
        if record:
            self.sent.extend(records(params, biz_id, self.clock(), self.outcomes))
        ok = {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": request_id()}
        return Answer(200, ok)


def _scripted(script: _Script) -> Answer:
    if script.raw is not None:
        return Answer(200, raw=script.raw)
    return error(script.status, script.code, script.message)


@pytest.fixture(name="fake_aliyun", scope="session")
def fake_aliyun_fixture() -> Iterator[FakeAliyunSms]:
    """One fake Aliyun SMS server for the run; `aliyun` resets it per test."""
    with FakeAliyunSms() as server:
        yield server


@pytest.fixture(name="aliyun")
def aliyun_fixture(fake_aliyun: FakeAliyunSms) -> FakeAliyunSms:
    """The fake Aliyun SMS server with nothing received yet, on the real clock."""
    fake_aliyun.reset()
    fake_aliyun.clock = lambda: datetime.now(UTC)
    return fake_aliyun
