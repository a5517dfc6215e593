"""The fake incidents API with patrol coverage too: `GET /v1/patrols/coverage` answers an area's
hours as incidents does (service token required, 404 for an area it does not know)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from .fake_incidents import FakeIncidents, _Handler, _Server

COVERAGE_PATH = "/v1/patrols/coverage"


@dataclass
class FakeIncidentsWithPatrols(FakeIncidents):
    """Statistics as `FakeIncidents` answers them, and patrol hours per area code."""

    patrol_hours: dict[str, float] = field(default_factory=dict)

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1 in a background thread."""
        fake = self

        class Handler(_PatrolHandler):
            state = fake

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class _PatrolHandler(_Handler):
    state: FakeIncidentsWithPatrols

    def do_GET(self) -> None:
        """Coverage here; everything else as the statistics fake answers it."""
        url = urlsplit(self.path)
        if url.path != COVERAGE_PATH:
            super().do_GET()
            return
        claims = self._service_claims()
        if claims is None:
            self._problem(401, "a valid service token is required")
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.state.requests.append({"path": COVERAGE_PATH, "query": query, "claims": claims})
        area = query.get("area", "")
        hours = self.state.patrol_hours.get(area)
        if hours is None:
            self._problem(404, "area not found")
            return
        body = {
            "area_code": area,
            "area_name": area,
            "period_from": datetime.fromisoformat(query["from"]).isoformat(),
            "period_to": datetime.fromisoformat(query["to"]).isoformat(),
            "group": query.get("group", "team"),
            "places_method": "h3_res9",
            "hours": hours,
            "places": 12,
            "patrols": 30,
            "rows": [],
        }
        self._json(200, body)
