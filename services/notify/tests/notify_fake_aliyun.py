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

import json
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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
class FakeAliyunSms:
    """dysmsapi on a free local port; `sent` holds every number reached, `requests` every call."""

    access_key_id: str = ACCESS_KEY_ID
    access_key_secret: str = ACCESS_KEY_SECRET
    sign_name: str = SIGN_NAME
    templates: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(TEMPLATES))
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    sent: list[SentSms] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, tuple[int, str]] = field(default_factory=dict)
    url: str = ""

    def __post_init__(self) -> None:
        self._scripts: list[_Script] = []
        self._nonces: dict[str, datetime] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

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
            self._release.set()
            self._release = threading.Event()

    def receipts_body(self) -> bytes:
        """The SmsReport push Aliyun would make for the sends recorded so far."""
        with self._lock:
            return receipts_body(self.sent)

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """Answer one request (called by the server's threads); `headers` in lower case."""
        url = urlsplit(path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        form: dict[str, str] = {}
        if "x-www-form-urlencoded" in headers.get("content-type", ""):
            form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        with self._lock:
            try:
                scheme, action, params = verify_request(
                    method,
                    url.path or "/",
                    query,
                    form,
                    headers,
                    body,
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

    def wait_released(self, seconds: float) -> None:
        """Block a hanging call for `seconds`, or until `reset` or `stop`."""
        self._release.wait(seconds)

    def start(self) -> FakeAliyunSms:
        """Listen on a free port of 127.0.0.1; `.url` is the base URL to configure."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging calls and stop listening."""
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeAliyunSms:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _scripted(script: _Script) -> Answer:
    if script.raw is not None:
        return Answer(200, raw=script.raw)
    return error(script.status, script.code, script.message)


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when many clients connect at once.
    request_queue_size = 128
    daemon_threads = True
    fake: FakeAliyunSms


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without it each keep-alive request stalls about 40 ms (Nagle plus delayed ACK).
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.server.fake.handle(self.command, self.path, headers, body)
        if answer.hang:
            self.server.fake.wait_released(answer.hang)
        data = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client stopped waiting, as a hang intends

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: request lines carry phone numbers."""


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
