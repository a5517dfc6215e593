"""What every local fake of a provider's HTTP API shares: a threaded server on a free port of
127.0.0.1, a quiet handler, and the life cycle. A fake keeps only its provider's protocol:

    class FakeProvider(LocalHttpFake):
        def respond(self, request: Request) -> Reply:
            return 200, {"errcode": 0, "errmsg": "ok"}

    with FakeProvider() as provider:
        ...  # point the client at provider.url
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit

# An HTTP status and a JSON object to send, or bytes to send as they are.
Reply = tuple[int, dict[str, Any] | bytes]


@dataclass(frozen=True, slots=True)
class Request:
    """One request as a fake receives it."""

    method: str
    target: str  # the path with its query, as the request line gives it
    headers: Mapping[str, str]  # names lower-cased
    body: bytes

    @property
    def path(self) -> str:
        """The path without its query."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        """The query's parameters (blank ones kept; the last of a repeated name wins)."""
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when many clients connect at once.
    request_queue_size = 128
    daemon_threads = True
    fake: LocalHttpFake

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client that timed out has gone before its late answer."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


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
        fake = self.server.fake
        if self.command not in fake.methods:
            self.send_error(501, f"Unsupported method ({self.command!r})")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, answer = fake.respond(Request(self.command, self.path, headers, body))
        self._answer(status, answer)

    def _answer(self, status: int, body: dict[str, Any] | bytes) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", self.server.fake.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client stopped waiting for an answer held past its timeout

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: request lines carry keys, tokens and phone numbers."""


class LocalHttpFake:
    """Base of the fakes: `respond` answers each request (on the server's threads); `start`,
    `stop` or `with` run the server, whose base URL is `.url`."""

    # What the provider answers with; the other methods get http.server's 501.
    content_type: ClassVar[str] = "application/json; charset=UTF-8"
    methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST"})

    def __init__(self) -> None:
        self.url = ""
        self._release = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def respond(self, request: Request) -> Reply:
        """Answer one request (called by the server's threads)."""
        raise NotImplementedError

    def hold(self, seconds: float) -> None:
        """Hold the calling request's answer for `seconds`, or until `release_holds` or `stop`."""
        self._release.wait(seconds)

    def release_holds(self) -> None:
        """Let every held answer go now; later holds wait again."""
        self._release.set()
        self._release = threading.Event()

    def start(self) -> Self:
        """Listen on a free port of 127.0.0.1; `.url` is the base URL to configure."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Let held answers go and stop listening."""
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
