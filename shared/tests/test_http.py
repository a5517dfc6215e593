"""The service HTTP client: retries only where repeating is safe; the request id travels on."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pingan_shared.http import BearerTokenAuth, ServiceTokenAuth, create_http_client
from pingan_shared.observability import request_id_var
from pingan_shared.testing import free_port


class _Flaky(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict[str, str]]] = []  # noqa: RUF012 - shared by the handler instances

    def _answer(self) -> None:
        _Flaky.calls.append((self.command, dict(self.headers)))
        status = 503 if len(_Flaky.calls) < 3 else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer  # noqa: N815 - the stdlib's handler naming

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    _Flaky.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Flaky)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


async def test_get_is_retried_on_503_with_request_id_and_service_token(flaky: str) -> None:
    auth = ServiceTokenAuth("assessment", ["530128"], secret="s" * 40)
    token = request_id_var.set("req-123")
    try:
        async with create_http_client(flaky, auth=auth, retries=3) as client:
            client._transport.backoff = 0.001  # type: ignore[attr-defined]  # keep the test quick
            response = await client.get("/v1/x")
    finally:
        request_id_var.reset(token)
    assert response.status_code == 200
    assert len(_Flaky.calls) == 3
    headers = _Flaky.calls[0][1]
    assert headers["X-Request-ID"] == "req-123"
    claims = jwt.decode(
        headers["Authorization"].split()[1], "s" * 40, algorithms=["HS256"], audience="pingan"
    )
    assert (claims["sub"], claims["roles"]) == ("assessment", ["service"])


async def test_post_is_not_retried(flaky: str) -> None:
    async with create_http_client(flaky) as client:
        response = await client.post("/v1/x", json={})
    assert response.status_code == 503
    assert len(_Flaky.calls) == 1


async def test_connection_refused_is_an_error_after_retries() -> None:
    async with create_http_client(f"http://127.0.0.1:{free_port()}", retries=1) as client:
        client._transport.backoff = 0.001  # type: ignore[attr-defined]
        with pytest.raises(httpx.ConnectError):
            await client.get("/")


async def test_a_service_token_is_signed_rs256_with_a_private_key(flaky: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    auth = ServiceTokenAuth("assessment", ["530128"], private_key=pem)
    async with create_http_client(flaky, auth=auth, retries=3) as client:
        client._transport.backoff = 0.001  # type: ignore[attr-defined]  # keep the test quick
        await client.get("/v1/x")
    token = _Flaky.calls[0][1]["Authorization"].split()[1]
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"], audience="pingan")
    assert claims["roles"] == ["service"]


async def test_a_token_issued_elsewhere_is_presented_as_it_is(flaky: str) -> None:
    async with create_http_client(flaky, auth=BearerTokenAuth("issued.by.idp")) as client:
        await client.post("/v1/x", json={})
    assert _Flaky.calls[0][1]["Authorization"] == "Bearer issued.by.idp"


def test_a_service_token_needs_something_to_sign_with() -> None:
    with pytest.raises(ValueError, match="secret or a private key"):
        ServiceTokenAuth("assessment", ["530128"])
