"""A local fake of Tencent Cloud SMS (腾讯云短信) `SendSms` 2021-01-11, as Tencent documents it.

`POST /` with a JSON body, `X-TC-Action: SendSms`, `X-TC-Version`, `X-TC-Region`,
`X-TC-Timestamp` and a TC3-HMAC-SHA256 `Authorization`, which the fake recomputes from the request
it received with the shared secret key. Answers are HTTP 200 `{"Response": {...}}`: either
`Error{Code, Message}` or one `SendStatusSet` entry per number. It can be told to fail a given
number with a code (or leave it out of the answer), fail whole requests, answer 5xx, or hang past the client's timeout.

    with FakeTencentSms() as tencent:
        ...  # send to tencent.url
        assert tencent.sends[0]["PhoneNumberSet"] == ["+8613800001111"]

Tests import `fake_tencent_server_fixture` and `tencent_fixture` to use the fixtures `tencent`
(reset per test) and `fake_tencent_server` (one per run).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from notify.channels.tencent_signing import sign_tc3, utc_date
from pingan_shared.testing.http_fake import LocalHttpFake, Reply, Request

SECRET_ID = "AKIDpinganfaketencent0000000000000"
SECRET_KEY = "pingan-fake-tencent-secret-key00"
APP_ID = "1400000001"
SIGN_NAME = "平安县"
TEMPLATE_ID = "1900001"  # takes three parameters
SIGNATURE_WINDOW_SECONDS = 300
PARAMETERS = frozenset(("PhoneNumberSet", "SmsSdkAppId", "TemplateId", "SignName"))
PARAMETERS |= {"TemplateParamSet", "ExtendCode", "SessionContext", "SenderId"}
_AUTHORIZATION = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z]+)"
    r"/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})"
)
_E164_MAINLAND = re.compile(r"\+861[3-9]\d{9}")


class TencentError(Exception):
    """A whole-request failure, answered as `Response.Error`."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code)
        self.code, self.message = code, message or code


class FakeTencentSms(LocalHttpFake):
    """One SMS app with an approved sign and templates (id -> parameter count) on a local port."""

    content_type = "application/json"
    methods = frozenset({"POST"})

    def __init__(
        self,
        *,
        templates: dict[str, int] | None = None,
        param_limit: int | None = 12,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.templates = templates if templates is not None else {TEMPLATE_ID: 3}
        self.param_limit = param_limit  # None: an enterprise account, no per-parameter limit
        self.clock = clock
        self.sends: list[dict[str, Any]] = []  # accepted SendSms bodies
        self.headers: list[dict[str, str]] = []  # and their headers, names lower-cased
        self.calls = 0
        self._number_codes: dict[str, str] = {}
        self._script: list[tuple[str, Any]] = []  # what the next requests answer, in turn
        self._lock = threading.Lock()
        self._serial = 0

    def fail_number(self, phone: str, code: str) -> None:
        """Answer `code` in the SendStatus of `phone` (E.164) until reset."""
        with self._lock:
            self._number_codes[phone] = code

    def omit_number(self, phone: str) -> None:
        """Leave `phone` (E.164) out of SendStatusSet, as an answer we cannot read fully."""
        self.fail_number(phone, "")

    def fail_next(self, code: str) -> None:
        """Answer the next request, if it is valid, with `Response.Error{code}`."""
        self._script.append(("error", code))

    def http_error_next(self, status: int = 503) -> None:
        """Answer the next request with a bare HTTP `status`."""
        self._script.append(("http", status))

    def hang_next(self, seconds: float) -> None:
        """Accept (and record) the next send, then wait `seconds` before answering."""
        self._script.append(("hang", seconds))

    def reset(self) -> None:
        """Forget sends and scripted answers; release any request still hanging."""
        with self._lock:
            self.sends.clear()
            self.headers.clear()
            self.calls = 0
            self._number_codes.clear()
            self._script.clear()
            self.release_holds()

    def respond(self, request: Request) -> Reply:
        """Answer one request (called by the server's threads): HTTP status and body."""
        path, headers, raw = request.target, request.headers, request.body
        request_id = str(uuid.uuid4())
        with self._lock:
            self.calls += 1
            step: tuple[str, Any] = self._script.pop(0) if self._script else ("", None)
            kind, value = step
            if kind == "http":
                return value, b"<html>Bad Gateway</html>"
            try:
                body = self._check(path, headers, raw)
                if kind == "error":
                    raise TencentError(value)
            except TencentError as exc:
                error = {"Error": {"Code": exc.code, "Message": exc.message}}
                return 200, _response(error, request_id)
            self.sends.append(body)
            self.headers.append(dict(headers))
            statuses = [self._status(phone, body) for phone in body["PhoneNumberSet"]]
            statuses = [status for status in statuses if status["Code"]]
            release = self._release
        if kind == "hang":
            release.wait(value)
        return 200, _response({"SendStatusSet": statuses}, request_id)

    def _check(self, path: str, headers: Mapping[str, str], raw: bytes) -> dict[str, Any]:
        if path != "/":
            raise TencentError("InvalidAction", f"no API at {path}")
        if not headers.get("content-type", "").startswith("application/json"):
            raise TencentError("InvalidParameter", "Content-Type must be application/json")
        self._check_signature(headers, raw)
        if headers.get("x-tc-action") != "SendSms":
            raise TencentError("InvalidAction", "only SendSms is here")
        if headers.get("x-tc-version") != "2021-01-11":
            raise TencentError("NoSuchVersion", "X-TC-Version must be 2021-01-11")
        if not headers.get("x-tc-region"):
            raise TencentError("MissingParameter", "X-TC-Region is required")
        try:
            body = json.loads(raw)
        except ValueError:
            raise TencentError("FailedOperation.JsonParseFail") from None
        if not isinstance(body, dict):
            raise TencentError("FailedOperation.JsonParseFail")
        self._check_body(body)
        return body

    def _check_signature(self, headers: Mapping[str, str], raw: bytes) -> None:
        match = _AUTHORIZATION.fullmatch(headers.get("authorization", ""))
        if match is None:
            raise TencentError("AuthFailure.InvalidAuthorization")
        if match["id"] != SECRET_ID:
            raise TencentError("AuthFailure.SecretIdNotFound")
        try:
            timestamp = int(headers["x-tc-timestamp"])
        except (KeyError, ValueError):
            raise TencentError("MissingParameter", "X-TC-Timestamp") from None
        if abs(self.clock() - timestamp) > SIGNATURE_WINDOW_SECONDS:
            raise TencentError("AuthFailure.SignatureExpire", "signature expired")
        signed = match["signed"].split(";")
        if not {"content-type", "host"} <= set(signed) or not set(signed) <= headers.keys():
            raise TencentError("AuthFailure.InvalidAuthorization", "SignedHeaders")
        expected = sign_tc3(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            service="sms",
            timestamp=timestamp,
            payload=raw,
            headers=headers,
            signed_headers=signed,
        )
        scope_ok = (match["date"], match["service"]) == (utc_date(timestamp), "sms")
        if not scope_ok or match["signature"] != expected.signature:
            raise TencentError("AuthFailure.SignatureFailure", "signature mismatch")

    def _check_body(self, body: dict[str, Any]) -> None:
        unknown = sorted(body.keys() - PARAMETERS)
        if unknown:
            raise TencentError("UnknownParameter", f"the parameter {unknown[0]} is not recognized")
        missing = sorted({"PhoneNumberSet", "SmsSdkAppId", "TemplateId"} - body.keys())
        if missing:
            raise TencentError("MissingParameter", f"the parameter {missing[0]} is required")
        phones, params = body["PhoneNumberSet"], body.get("TemplateParamSet", [])
        if not isinstance(phones, list) or not phones:
            raise TencentError("MissingParameter.EmptyPhoneNumberSet")
        if len(phones) > 200:
            raise TencentError("LimitExceeded.PhoneNumberCountLimit")
        if body["SmsSdkAppId"] != APP_ID:
            raise TencentError("UnauthorizedOperation.SmsSdkAppIdVerifyFail")
        if body.get("SignName") != SIGN_NAME:
            raise TencentError("FailedOperation.SignatureIncorrectOrUnapproved")
        if body["TemplateId"] not in self.templates:
            raise TencentError("FailedOperation.TemplateIncorrectOrUnapproved")
        if not isinstance(params, list) or len(params) != self.templates[body["TemplateId"]]:
            raise TencentError("FailedOperation.TemplateParamSetNotMatchApprovedTemplate")
        limit = self.param_limit
        if limit is not None and any(len(str(value)) > limit for value in params):
            raise TencentError("InvalidParameterValue.TemplateParameterLengthLimit")
        if len(str(body.get("SessionContext", "")).encode()) > 512:
            raise TencentError("InvalidParameterValue", "SessionContext is over 512 bytes")

    def _status(self, phone: Any, body: dict[str, Any]) -> dict[str, Any]:
        code = self._number_codes.get(str(phone), "Ok")
        if not _E164_MAINLAND.fullmatch(str(phone)):
            code = "InvalidParameterValue.IncorrectPhoneNumber"
        serial = ""
        if code == "Ok":
            self._serial += 1
            serial = f"2640:{self._serial:028d}"
        return {
            "SerialNo": serial,
            "PhoneNumber": phone,
            "Fee": 1 if code == "Ok" else 0,
            "SessionContext": body.get("SessionContext", ""),
            "Code": code,
            "Message": "send success" if code == "Ok" else code,
            "IsoCode": "CN",
        }


def _response(fields: dict[str, Any], request_id: str) -> bytes:
    return json.dumps({"Response": {**fields, "RequestId": request_id}}).encode()


@pytest.fixture(scope="session", name="fake_tencent_server")
def fake_tencent_server_fixture() -> Iterator[FakeTencentSms]:
    """One fake Tencent SMS server for the run; `tencent` resets it per test."""
    with FakeTencentSms() as server:
        yield server


@pytest.fixture(name="tencent")
def tencent_fixture(fake_tencent_server: FakeTencentSms) -> FakeTencentSms:
    """The fake Tencent SMS server with nothing received or scripted."""
    fake_tencent_server.reset()
    return fake_tencent_server
