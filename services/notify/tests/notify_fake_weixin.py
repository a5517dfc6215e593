"""What the fake WeCom application and WeChat official account servers share: access tokens that
expire or get revoked, and scripted answers (the server itself is `LocalHttpFake`'s).

Each fake answers as its provider documents: HTTP 200 with `{"errcode": …, "errmsg": …}`.
Scripts apply to the next send requests that carry a valid token: an errcode, an HTTP status
(a gateway error, not JSON), or a hang that records the message and then answers too late.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pingan_shared.testing.http_fake import LocalHttpFake, Reply


@dataclass(frozen=True, slots=True)
class Script:
    """One scripted answer: an errcode, an HTTP status, or a hang after the message is taken."""

    errcode: int | None = None
    status: int | None = None
    hang_seconds: float | None = None


def error(errcode: int, errmsg: str, **extra: Any) -> Reply:
    """An errcode answer inside HTTP 200, as both providers answer."""
    return 200, {"errcode": errcode, "errmsg": errmsg, **extra}


class FakeWeixin(LocalHttpFake):
    """Base of the fakes: tokens, scripts and counters."""

    token_ttl = 7200
    revoked_errcode = 40014  # what a send with a revoked token gets

    def __init__(self) -> None:
        super().__init__()
        self.clock: Callable[[], float] = time.monotonic
        self.token_calls = 0
        self.send_calls = 0
        self.issued: list[str] = []  # every token handed out, for tests that look for leaks
        self._tokens: dict[str, float] = {}  # live token -> when it expires
        self._revoked: set[str] = set()
        self._scripts: list[Script] = []
        self._token_scripts: list[int] = []
        self.lock = threading.Lock()

    # Tokens
    def issue_token(self) -> tuple[str, int]:
        """A new token and its lifetime in seconds (call with `lock` held)."""
        token = secrets.token_urlsafe(48)
        self._tokens[token] = self.clock() + self.token_ttl
        self.issued.append(token)
        return token, self.token_ttl

    def live_token(self) -> tuple[str, int] | None:
        """The newest token still valid and its remaining seconds (call with `lock` held)."""
        now = self.clock()
        for token, expires in reversed(self._tokens.items()):
            if token not in self._revoked and expires > now:
                return token, int(expires - now)
        return None

    def token_refusal(self, token: str | None) -> Reply | None:
        """The answer to a send whose token is missing, revoked or expired; None when valid
        (call with `lock` held)."""
        if not token:
            return error(41001, "access_token missing")
        expires = self._tokens.get(token)
        if expires is None or token in self._revoked:
            return error(self.revoked_errcode, "invalid access_token")
        if expires <= self.clock():
            return error(42001, "access_token expired")
        return None

    def take_token_script(self) -> int | None:
        """The errcode scripted for the next token request, if any (call with `lock` held)."""
        return self._token_scripts.pop(0) if self._token_scripts else None

    def revoke_tokens(self) -> None:
        """Revoke every token issued so far, as a provider may do before they expire."""
        with self.lock:
            self.revoke_tokens_locked()

    def revoke_tokens_locked(self) -> None:
        """Revoke every token issued so far (call with `lock` held)."""
        self._revoked.update(self._tokens)

    def expire_tokens(self) -> None:
        """Make every token issued so far expired."""
        with self.lock:
            self._tokens = dict.fromkeys(self._tokens, self.clock())

    # Scripts
    def fail_next(self, n: int = 1, errcode: int = -1) -> None:
        """Answer the next `n` sends with `errcode`."""
        with self.lock:
            self._scripts.extend([Script(errcode=errcode)] * n)

    def fail_next_http(self, n: int = 1, status: int = 503) -> None:
        """Answer the next `n` sends with an HTTP error and no JSON."""
        with self.lock:
            self._scripts.extend([Script(status=status)] * n)

    def hang_next(self, n: int = 1, seconds: float = 5.0) -> None:
        """Take the next `n` messages, then answer only after `seconds` (past the timeout)."""
        with self.lock:
            self._scripts.extend([Script(hang_seconds=seconds)] * n)

    def fail_next_token(self, n: int = 1, errcode: int = -1) -> None:
        """Answer the next `n` token requests with `errcode`."""
        with self.lock:
            self._token_scripts.extend([errcode] * n)

    def handle_send(self, token: str | None, raw: bytes, take: Callable[[bytes], Reply]) -> Reply:
        """A send: its token checked, then a script or `take` (run under `lock`) answers."""
        with self.lock:
            self.send_calls += 1
            refused = self.token_refusal(token)
            if refused is not None:
                return refused
            script = self._scripts.pop(0) if self._scripts else None
            if script is not None and script.status is not None:
                return script.status, b"<html>502 Bad Gateway</html>"
            if script is not None and script.errcode is not None:
                return error(script.errcode, "scripted failure")
            reply = take(raw)
        if script is not None and script.hang_seconds is not None:
            # The message is taken; only its answer is late. `reset` and `stop` end the wait.
            self.hold(script.hang_seconds)
        return reply

    def reset(self) -> None:
        """Forget tokens, scripts and counters; end any hang."""
        with self.lock:
            self.release_holds()
            self.clock = time.monotonic
            self.token_calls = self.send_calls = 0
            self.issued.clear()
            self._tokens.clear()
            self._revoked.clear()
            self._scripts.clear()
            self._token_scripts.clear()


def parse_json(raw: bytes) -> dict[str, Any] | None:
    """The request's JSON object, or None when it is not one."""
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
