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
from typing import Any

from pingan_shared.testing.http_fake import LocalHttpFake, Reply, Request

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


class FakeWeComRobot(LocalHttpFake):
    """Group robots with the given keys on a free local port; records what they receive."""

    def __init__(self, keys: set[str] | frozenset[str] = frozenset({"k1"})) -> None:
        super().__init__()
        self.keys = set(keys)
        self.messages: list[dict[str, Any]] = []
        self.calls = 0
        self._failures: list[int] = []
        self._lock = threading.Lock()

    def respond(self, request: Request) -> Reply:
        """Answer one request (called by the server's threads): only sends are POSTed."""
        if request.method != "POST":
            return 405, {"errcode": 405, "errmsg": "method not allowed"}
        if request.path != SEND_PATH:
            return 404, {"errcode": 404, "errmsg": "not found"}
        errcode = self.handle(request.query.get("key", ""), request.body)
        return 200, {"errcode": errcode, "errmsg": ERRMSG.get(errcode, "error")}

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
