"""Access tokens (接口调用凭证) of WeCom applications and WeChat official accounts, one per app.

Both providers authenticate each call with a token that the app's secret buys for `expires_in`
seconds (7200) and that they may revoke early. Fetching is rate-limited, so a token is fetched
once and shared: `AccessTokenCache` keeps it until `margin` seconds before it expires, and callers
that find it missing wait for one refresh and share its outcome, failure included. A send refused
for its token (40001/40014/42001: revoked, expired, not the latest) drops it and goes once more
with a fresh one (`post_with_token`): a refused token means nothing was sent. A refused fetch
(wrong secret, unknown corp or app) fails the delivery for good; a fetch without an answer is
retried later.

WeChat's token comes from `stable_token`, not `/cgi-bin/token`: each `/cgi-bin/token` call
replaces the account's token, so every process with its own cache (API, worker replicas) and any
other system on the same account (menus, a CMS) would keep invalidating the others' tokens;
`stable_token` in its normal mode answers the same token until it nears expiry, is isolated from
`/cgi-bin/token`, and takes the secret in a JSON body instead of the URL. Its `force_refresh` is
never used: it is limited to 20 a day and revokes the token every other holder is using.

Tokens and secrets still travel in query strings (`access_token=`, WeCom's `corpsecret=`), which
httpx logs: the channels call `install_credential_redaction`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx
from pydantic import SecretStr

from notify.channels.base import Failure, SendResult, transport_failure

WECOM_CREDENTIAL_PATH = "/cgi-bin/gettoken"
WECHAT_CREDENTIAL_PATH = "/cgi-bin/stable_token"
TOKEN_REFUSED = frozenset({40001, 40014, 42001})  # invalid / not latest, invalid, expired
DEFAULT_MARGIN_SECONDS = 300.0
SYSTEM_BUSY = -1

_CREDENTIAL_PARAM = re.compile(r"([?&](?:access_token|corpsecret|secret)=)[^&\s'\"]+")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token and how many seconds the provider said it lasts."""

    value: str
    expires_in: float


class TokenUnavailableError(Exception):
    """No token could be had; `result` says what that means for the delivery."""

    def __init__(self, result: SendResult) -> None:
        super().__init__(result.code)
        self.result = result


TokenFetcher = Callable[[], Awaitable[IssuedToken]]


class AccessTokenCache:
    """One app's token: fetched when missing or about to expire, by one caller at a time."""

    def __init__(
        self,
        fetch: TokenFetcher,
        *,
        margin: float = DEFAULT_MARGIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._margin = margin
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self._refreshes = 0
        self._failure: TokenUnavailableError | None = None

    async def get(self) -> str:
        """The current token, fetched first if there is none or it is about to expire."""
        token = self._fresh()
        if token is not None:
            return token
        seen = self._refreshes
        async with self._lock:
            # A refresh that ended while this caller waited answers for it too, failure included:
            # twenty sends with a wrong secret ask the provider once, not twenty times.
            if self._refreshes != seen and self._failure is not None:
                raise self._failure
            token = self._fresh()
            if token is not None:
                return token
            self._failure = None
            try:
                issued = await self._fetch()
            except TokenUnavailableError as exc:
                self._failure = exc
                raise
            finally:
                self._refreshes += 1  # counted when done, so that waiters see its outcome
            self._token = issued.value
            # A short-lived token is renewed halfway rather than never cached.
            lifetime = max(issued.expires_in - self._margin, issued.expires_in / 2)
            self._renew_at = self._clock() + lifetime
            return issued.value

    def invalidate(self, token: str) -> None:
        """Drop `token` after the provider refused it (a newer one is kept)."""
        if self._token == token:
            self._token = None

    def _fresh(self) -> str | None:
        if self._token is not None and self._clock() < self._renew_at:
            return self._token
        return None


def wecom_token_fetcher(client: httpx.AsyncClient, corp_id: str, secret: SecretStr) -> TokenFetcher:
    """Fetches a WeCom app's token: `GET /cgi-bin/gettoken?corpid=&corpsecret=`."""

    async def fetch() -> IssuedToken:
        value = secret.get_secret_value()
        request = client.get(WECOM_CREDENTIAL_PATH, params={"corpid": corp_id, "corpsecret": value})
        return await _issued(request, value)

    return fetch


def wechat_token_fetcher(client: httpx.AsyncClient, app_id: str, secret: SecretStr) -> TokenFetcher:
    """Fetches an official account's token: `POST /cgi-bin/stable_token` in normal mode."""

    async def fetch() -> IssuedToken:
        value = secret.get_secret_value()
        body = {"grant_type": "client_credential", "appid": app_id, "secret": value}
        return await _issued(client.post(WECHAT_CREDENTIAL_PATH, json=body), value)

    return fetch


async def _issued(request: Awaitable[httpx.Response], secret: str) -> IssuedToken:
    try:
        response = await request
    except httpx.TransportError as exc:
        # Asking for a token changes nothing at the provider: always safe to ask again.
        raise TokenUnavailableError(
            _about_token(transport_failure(exc, request_sent=False))
        ) from None
    answer = read_answer(response)
    if isinstance(answer, SendResult):
        raise TokenUnavailableError(_about_token(answer))
    token = answer.body.get("access_token")
    if answer.errcode != 0 or not isinstance(token, str) or not token:
        failure = Failure.transient if answer.errcode == SYSTEM_BUSY else Failure.permanent
        if answer.errcode in (45009, 45011):  # the token API's own frequency limits
            failure = Failure.quota
        result = refusal(answer, failure, retry_after=60 if failure is Failure.quota else None)
        raise TokenUnavailableError(_about_token(result, secret))
    try:
        expires_in = float(answer.body.get("expires_in") or 7200)
    except (TypeError, ValueError):
        expires_in = 7200.0  # the documented lifetime, rather than failing a usable token
    return IssuedToken(token, expires_in)


def _about_token(result: SendResult, secret: str = "") -> SendResult:
    detail = f"access token: {result.detail or result.code}"
    return replace(result, detail=scrub(detail, secret))


@dataclass(frozen=True, slots=True)
class Answer:
    """A weixin API's JSON answer: `errcode` (0 when absent), `errmsg` and the whole body."""

    errcode: int
    errmsg: str
    body: Mapping[str, Any]
    status: int


def read_answer(response: httpx.Response) -> Answer | SendResult:
    """The JSON answer, or the failure when there is none: 5xx and 429 transient, else permanent."""
    status = response.status_code
    if status >= 500 or status == 429:
        return SendResult(
            ok=False, failure=Failure.transient, code=f"http_{status}", http_status=status
        )
    try:
        body = response.json()
        errcode = int(body.get("errcode", 0))
        errmsg = str(body.get("errmsg", ""))
    except (ValueError, AttributeError, TypeError):
        body = None
    if status != 200 or not isinstance(body, dict):
        return SendResult(
            ok=False,
            failure=Failure.permanent,
            code=f"http_{status}",
            detail="not a weixin answer",
            http_status=status,
        )
    return Answer(errcode, errmsg, body, status)


def refusal(
    answer: Answer, failure: Failure, *, retry_after: float | None = None, secret: str = ""
) -> SendResult:
    """The failed result of an answer whose errcode is not 0."""
    return SendResult(
        ok=False,
        failure=failure,
        retry_after=retry_after if failure is Failure.quota else None,
        code=str(answer.errcode),
        detail=scrub(answer.errmsg, secret)[:500],
        http_status=answer.status,
    )


async def post_with_token(
    client: httpx.AsyncClient, tokens: AccessTokenCache, path: str, body: Mapping[str, Any]
) -> httpx.Response:
    """POST `body` with the app's token, and once more with a fresh one if the token is refused.

    Raises `TokenUnavailableError` when no token can be had, and httpx's transport errors.
    """
    token = await tokens.get()
    response = await client.post(path, params={"access_token": token}, json=body)
    answer = read_answer(response)
    if isinstance(answer, Answer) and answer.errcode in TOKEN_REFUSED:
        tokens.invalidate(token)
        token = await tokens.get()
        response = await client.post(path, params={"access_token": token}, json=body)
    return response


def after_send_failure(exc: httpx.TransportError, guard: str) -> SendResult:
    """A send without an answer. Before the request left: transient. After: the provider may
    have sent it, but `guard` (its documented duplicate check) makes a prompt resend harmless,
    so it is transient too, with the reason in `detail`."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return transport_failure(exc, request_sent=False)
    result = transport_failure(exc, request_sent=False)
    return replace(result, detail=f"{result.detail}; may have been sent, resend covered by {guard}")


def scrub(text: str, *secrets: str) -> str:
    """`text` without any of `secrets` and without credentials in URL parameters."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return redact_credentials(text)


def redact_credentials(text: str) -> str:
    """`text` with `access_token=`, `corpsecret=` and `secret=` URL parameters replaced by ***."""
    return _CREDENTIAL_PARAM.sub(r"\1***", text)


class CredentialFilter(logging.Filter):
    """A logging filter that redacts tokens and secrets from URLs in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without credentials; never drops a record."""
        message = record.getMessage()
        redacted = redact_credentials(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_credential_redaction() -> None:
    """Attach `CredentialFilter` to httpx's logger (it logs every request URL) once."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, CredentialFilter) for f in logger.filters):
        logger.addFilter(CredentialFilter())
