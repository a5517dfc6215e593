"""HTTP clients for calling sibling services and county systems.

Timeouts on every call; retries only where repeating is safe (idempotent methods, or a connection
that never reached the server); the request id travels on; a service token is attached and renewed
before it expires.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from pingan_shared.observability import REQUEST_ID_HEADER, request_id_var
from pingan_shared.tokens import mint_token

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})


class RetryTransport(httpx.AsyncBaseTransport):
    """Retries idempotent requests on transport errors and 502/503/504, with backoff."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, retries: int = 2, backoff: float = 0.2
    ) -> None:
        self.inner = inner
        self.retries = retries
        self.backoff = backoff

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, repeating it only when that cannot do anything twice."""
        retryable = request.method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            try:
                response = await self.inner.handle_async_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                # The request never reached the server: safe to repeat whatever the method.
                if attempt >= self.retries:
                    raise
            except httpx.TransportError:
                if not retryable or attempt >= self.retries:
                    raise
            else:
                if (
                    not (retryable and response.status_code in RETRY_STATUSES)
                    or attempt >= self.retries
                ):
                    return response
                await response.aclose()
            attempt += 1
            await asyncio.sleep(self.backoff * 2 ** (attempt - 1))

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


class ServiceTokenAuth(httpx.Auth):
    """Bearer auth with a service token minted locally and renewed before it expires: RS256 with
    `private_key` where services verify tokens with a public key, else HS256 with `secret`."""

    def __init__(
        self,
        subject: str,
        areas: list[str],
        secret: str | None = None,
        ttl_seconds: int = 600,
        *,
        private_key: str | None = None,
    ) -> None:
        if not (secret or private_key):
            raise ValueError("a service token needs a secret or a private key to sign it")
        self.subject = subject
        self.areas = areas
        self.secret = secret
        self.private_key = private_key
        self.ttl_seconds = ttl_seconds
        self._token = ""
        self._renew_at = 0.0

    def _current(self) -> str:
        now = time.monotonic()
        if now >= self._renew_at:
            self._token = mint_token(
                self.subject,
                ["service"],
                self.areas,
                ttl_seconds=self.ttl_seconds,
                secret=self.secret,
                private_key=self.private_key,
            )
            self._renew_at = now + self.ttl_seconds / 2
        return self._token

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]  # httpx's generator protocol
        """Attach the token."""
        request.headers["Authorization"] = f"Bearer {self._current()}"
        yield request


class BearerTokenAuth(httpx.Auth):
    """Bearer auth with a token issued elsewhere (the county's identity provider), for
    deployments where services verify tokens through JWKS and hold no signing key."""

    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]  # httpx's generator protocol
        """Attach the token."""
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


async def _propagate_request_id(request: httpx.Request) -> None:
    request_id = request_id_var.get()
    if request_id and REQUEST_ID_HEADER not in request.headers:
        request.headers[REQUEST_ID_HEADER] = request_id


def create_http_client(
    base_url: str,
    *,
    auth: httpx.Auth | None = None,
    timeout: float = 5.0,
    retries: int = 2,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient with timeouts, safe retries and request-id propagation."""
    inner = transport or httpx.AsyncHTTPTransport()
    return httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
        transport=RetryTransport(inner, retries=retries),
        event_hooks={"request": [_propagate_request_id]},
        headers={"User-Agent": "pingan"},
    )
