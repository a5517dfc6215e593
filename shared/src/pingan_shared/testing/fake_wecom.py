"""A local fake of the WeCom group robot (企业微信群机器人), speaking its documented protocol.

`POST /cgi-bin/webhook/send?key=KEY` with `{"msgtype": "text"|"markdown", ...}`; the answer is
always HTTP 200 with `{"errcode": …, "errmsg": …}`, as WeCom answers. Point
`NOTIFY_WECOM_BASE_URL` at `.url`:

    with FakeWeComRobot(keys={"k1"}) as robot:
        ...  # send
        assert robot.messages == [{"key": "k1", "body": {...}}]
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

SEND_PATH = "/cgi-bin/webhook/send"
CONTENT_LIMITS = {"text": 2048, "markdown": 4096}  # bytes of UTF-8, as documented
ERRMSG = {
    0: "ok",
    -1: "system busy",
    40008: "invalid message type",
    40058: "invalid Request Parameter",
    44004: "empty content",
    45009: "api freq out of limit",
    93000: "invalid webhook url",
}


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when many clients connect at once.
    request_queue_size = 128
    daemon_threads = True
    robot: FakeWeComRobot


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without it each keep-alive request stalls about 40 ms (Nagle plus delayed ACK).
    disable_nagle_algorithm = True
    server: _Server

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if url.path != SEND_PATH:
            self._answer(404, {"errcode": 404, "errmsg": "not found"})
            return
        key = (parse_qs(url.query).get("key") or [""])[0]
        errcode = self.server.robot.handle(key, raw)
        self._answer(200, {"errcode": errcode, "errmsg": ERRMSG.get(errcode, "error")})

    def do_GET(self) -> None:
        self._answer(405, {"errcode": 405, "errmsg": "method not allowed"})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: request lines carry robot keys."""


def check_body(raw: bytes) -> int:
    """The errcode WeCom gives a request body: 0 when it is a valid text or markdown message."""
    try:
        body = json.loads(raw)
    except ValueError:
        return 40058
    if not isinstance(body, dict):
        return 40058
    msgtype = body.get("msgtype")
    if msgtype not in CONTENT_LIMITS:
        return 40008
    part = body.get(msgtype)
    content = part.get("content") if isinstance(part, dict) else None
    if not isinstance(content, str) or not content:
        return 44004
    if len(content.encode()) > CONTENT_LIMITS[msgtype]:
        return 40058
    return 0


class FakeWeComRobot:
    """Group robots with the given keys on a free local port; records what they receive."""

    def __init__(self, keys: set[str] | frozenset[str] = frozenset({"k1"})) -> None:
        self.keys = set(keys)
        self.messages: list[dict[str, Any]] = []
        self.calls = 0
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def handle(self, key: str, raw: bytes) -> int:
        """Answer one send request (called by the server's threads); returns the errcode."""
        with self._lock:
            self.calls += 1
            if key not in self.keys:
                return 93000
            if self._failures:
                return self._failures.pop(0)
            errcode = check_body(raw)
            if errcode == 0:
                self.messages.append({"key": key, "body": json.loads(raw)})
            return errcode

    def fail_next(self, n: int, errcode: int = 45009) -> None:
        """Answer the next `n` requests for a known key with `errcode` (default: rate limited)."""
        with self._lock:
            self._failures.extend([errcode] * n)

    def reset(self) -> None:
        """Forget received messages, calls and pending failures."""
        with self._lock:
            self.messages.clear()
            self._failures.clear()
            self.calls = 0

    def start(self) -> FakeWeComRobot:
        """Listen on a free port of 127.0.0.1; `.url` is the base URL to configure."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.robot = self
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeWeComRobot:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
