"""A stand-in for the incidents API over real HTTP: `GET /v1/statistics/incidents` only.

It answers as incidents does (problem details, area scoping by the token's `areas`) and refuses
any request whose bearer token is not a valid service token signed with the test secret.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

STATISTICS_PATH = "/v1/statistics/incidents"


@dataclass
class FakeIncidentsArea:
    """An area the fake knows, with its counts: (category, name, count)."""

    name: str
    counts: list[tuple[str, str, int]]


@dataclass
class FakeIncidents:
    """The fake's data, what it was asked, and its server."""

    secret: str
    areas: dict[str, FakeIncidentsArea] = field(default_factory=dict)
    failing_areas: set[str] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1 in a background thread."""
        fake = self

        class Handler(_Handler):
            state = fake

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the default backlog of 5 resets connections under load


class _Handler(BaseHTTPRequestHandler):
    state: FakeIncidents
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive request stalls about 40 ms

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest shows failures well enough."""

    def do_GET(self) -> None:
        """Answer the statistics route as incidents does."""
        url = urlsplit(self.path)
        if url.path != STATISTICS_PATH:
            self._problem(404, "no such route")
            return
        claims = self._service_claims()
        if claims is None:
            self._problem(401, "a valid service token is required")
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.state.requests.append({"query": query, "claims": claims})
        area_code = query.get("area", "")
        if area_code in self.state.failing_areas:
            self._problem(500, "internal error")
            return
        area = self.state.areas.get(area_code)
        visible = any(area_code.startswith(prefix) for prefix in claims["areas"])
        if area is None or not visible:
            self._problem(404, "area not found")
            return
        self._json(200, _counts(area_code, area, query))

    def _service_claims(self) -> dict[str, Any] | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        try:
            claims: dict[str, Any] = jwt.decode(
                header.removeprefix("Bearer "),
                self.state.secret,
                algorithms=["HS256"],
                audience="pingan",
                issuer="pingan",
                options={"require": ["iss", "aud", "sub", "exp", "roles", "areas"]},
            )
        except jwt.PyJWTError:
            return None
        return claims if "service" in claims["roles"] else None

    def _problem(self, status: int, detail: str) -> None:
        body = {"type": "about:blank", "title": "error", "status": status, "detail": detail}
        self._json(status, body, "application/problem+json")

    def _json(self, status: int, body: Any, media_type: str = "application/json") -> None:
        raw = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _counts(code: str, area: FakeIncidentsArea, query: dict[str, str]) -> dict[str, Any]:
    end = datetime.fromisoformat(query["to"]) if "to" in query else datetime.now(UTC)
    start = datetime.fromisoformat(query["from"]) if "from" in query else end - timedelta(days=30)
    return {
        "area_code": code,
        "area_name": area.name,
        "period_from": start.isoformat(),
        "period_to": end.isoformat(),
        "total": sum(n for _, _, n in area.counts),
        "by_category": [{"category": c, "name": name, "count": n} for c, name, n in area.counts],
    }
