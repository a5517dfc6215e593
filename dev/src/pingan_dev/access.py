"""The permission matrix of every route, read from the apps themselves (docs/access.md).

A route's gate is the `require_roles` dependency it (or a dependency of it) uses; a route with
only a bearer token admits any role; a route with neither is public. Finer rules inside a route
(a unit contact reads only its unit, a patrol member logs only for its team, the workflow's
per-action roles) are noted under the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from pingan_shared.auth import Role, current_principal

ROLES = [r.value for r in Role]
HEADER = """# Who may do what (权限矩阵)

Generated from the services' routes by `python -m pingan_dev access-matrix`; a test keeps this
file equal to its output. ✓ admits the role; a route outside a caller's areas answers 404 for data
there (existence does not leak). Roles (ARCHITECTURE.md §4): admin 综治办, leader 领导,
police 警务室/派出所, community 社区, patrol 巡防队员, inspector 检查人员, unit 单位联系人,
service 其他系统.
"""
NOTES = """
## Rules finer than the route

- `POST /v1/incidents/{incident_id}/actions`: each action has its own roles and states
  (`incidents.workflow.transitions`): accept, reject, merge, dispatch, close — admin, police,
  community; start, resolve — also the patrol team the incident was dispatched to; reopen and
  rate — also the reporter; supervise — admin, leader.
- Patrol routes: a patrol member acts for the team whose member list carries their token's
  subject; staff manage teams of their areas.
- Assessment units: a `unit` token reads only the unit named by its `unit_id` claim.
- Reporters' phones are shown in clear only to admin, police and community (and patrol members
  of their own team's logs); every such read is recorded (`GET /v1/privacy/phone-reads`).
- `/v1/public/...` needs no account and is rate-limited per address; Open311 `POST requests`
  needs an Open311 API key, its reads none.
"""


def _gates(dependencies: Iterable[Any]) -> tuple[frozenset[str] | None, bool]:
    """(roles of the first role gate found, whether a token is needed at all)."""
    token = False
    for dep in dependencies:
        call = getattr(dep, "call", None)
        allowed = getattr(call, "allowed_roles", None)
        if allowed is not None:
            return frozenset(r.value for r in allowed), True
        if call is current_principal:
            token = True
        roles, needs = _gates(dep.dependencies)
        if roles is not None:
            return roles, True
        token = token or needs
    return None, token


def _api_routes(routes: Iterable[Any]) -> Iterable[APIRoute]:
    """Every API route, including those of routers the app included."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)


def matrix(service: str, app: FastAPI) -> list[str]:
    """The markdown table of one app's routes."""
    lines = [
        f"\n## {service}\n",
        "| route | operation | " + " | ".join(ROLES) + " |",
        "|---|---|" + "---|" * len(ROLES),
    ]
    routes = [r for r in _api_routes(app.routes) if r.include_in_schema]
    for route in sorted(routes, key=lambda r: (r.path, sorted(r.methods or ()))):
        roles, token = _gates(route.dependant.dependencies)
        if roles is None and token:
            roles = frozenset(ROLES)
        for method in sorted(route.methods or ()):
            if roles is None:
                cells = ["public"] + [""] * (len(ROLES) - 1)
            else:
                cells = ["✓" if role in roles else "" for role in ROLES]
            lines.append(f"| `{method} {route.path}` | {route.name} | " + " | ".join(cells) + " |")
    return lines


def document() -> str:
    """docs/access.md as it should read."""
    from assessment.main import create_app as assessment_app
    from incidents.main import create_app as incidents_app
    from notify.main import create_app as notify_app

    lines = [HEADER]
    for service, factory in (
        ("incidents", incidents_app),
        ("assessment", assessment_app),
        ("notify", notify_app),
    ):
        lines.extend(matrix(service, factory()))
    return "\n".join(lines) + "\n" + NOTES
