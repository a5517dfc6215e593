"""The service HTTP client: retries only where repeating is safe; the request id travels on."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import httpx
import jwt
import pytest

from pingan_shared.http import ServiceTokenAuth, create_http_client
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
