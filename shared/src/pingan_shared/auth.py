"""Identity and access (ARCHITECTURE.md §4): bearer JWTs, roles, and area-prefix scoping.

Tokens are HS256 with `PINGAN_JWT_SECRET`, or RS256 with a public key or a JWKS URL from a county
identity platform. Unsigned tokens and `alg: none` are refused. Data outside the caller's areas is
invisible: routes answer 404 for it, never 403, so existence does not leak.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Iterable
from enum import StrEnum
from typing import Annotated, Any

import anyio
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from pingan_shared.errors import ProblemError
from pingan_shared.settings import ServiceSettings

ISSUER = "pingan"
AUDIENCE = "pingan"
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "roles", "areas"]


class Role(StrEnum):
    """Who the caller is (ARCHITECTURE.md §4)."""

    admin = "admin"  # 综治办 comprehensive-governance office
    leader = "leader"  # 领导
    police = "police"  # 社区警务室 / 派出所
    community = "community"  # 社区工作人员
    patrol = "patrol"  # 义务巡防队员
    inspector = "inspector"  # 检查人员
    unit = "unit"  # 被考核单位联系人
    service = "service"  # other services and county systems


class Principal(BaseModel):
    """The verified caller of a request."""

    sub: str
    name: str | None = None
    roles: frozenset[Role] = Field(default_factory=frozenset)
    areas: tuple[str, ...] = ()
    unit_id: str | None = None
    scopes: frozenset[str] = Field(default_factory=frozenset)

    def has_any(self, roles: Iterable[Role]) -> bool:
        """True when the caller holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)

    def can_see(self, area_code: str) -> bool:
        """True when `area_code` lies inside one of the caller's areas (a prefix test)."""
        return in_areas(area_code, self.areas)


def in_areas(area_code: str, prefixes: Iterable[str]) -> bool:
    """Whether an area code lies inside any of the prefixes; codes' prefixes are their ancestors."""
    return any(prefix and area_code.startswith(prefix) for prefix in prefixes)


def effective_areas(requested: str | None, prefixes: Iterable[str]) -> list[str]:
    """The area prefixes a query for `requested` may read: its overlap with the caller's areas.

    Asking for a whole county with a community's token reads that community; asking for a grid
    inside the caller's community reads the grid; an area outside gives an empty list.
    """
    result: set[str] = set()
    for prefix in prefixes:
        if not prefix:
            continue
        if requested is None or requested.startswith(prefix):
            result.add(requested or prefix)
        elif prefix.startswith(requested):
            result.add(prefix)
    return sorted(result)


class TokenVerifier:
    """Checks a bearer token's signature, issuer, audience and expiry, and builds a Principal."""

    CACHE_SIZE = 4096

    def __init__(self, settings: ServiceSettings) -> None:
        # Patrol phones and county systems send the same token many times; checking its
        # signature once until it expires keeps verification off the hot path.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._jwks: jwt.PyJWKClient | None = None
        self._key: str | None = None
        if settings.jwt_jwks_url:
            self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=3600)
            self.algorithms = ["RS256"]
        elif settings.jwt_public_key:
            self._key = settings.jwt_public_key
            self.algorithms = ["RS256"]
        else:
            self._key = settings.jwt_secret.get_secret_value()
            self.algorithms = ["HS256"]

    async def _signing_key(self, token: str) -> Any:
        if self._jwks is not None:
            jwks = self._jwks
            # PyJWKClient fetches over blocking urllib; keep the event loop free.
            return (await anyio.to_thread.run_sync(jwks.get_signing_key_from_jwt, token)).key
        return self._key

    async def verify(self, token: str) -> Principal:
        """The principal of a valid token; a 401 problem for anything else."""
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            self._verified.move_to_end(token)
            return cached[0]
        principal, expires = await self._verify(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > self.CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            key = await self._signing_key(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": REQUIRED_CLAIMS},
            )
            roles = frozenset(Role(r) for r in _strings(claims["roles"], "roles"))
            areas = tuple(_strings(claims["areas"], "areas"))
            if not all(_AREA.fullmatch(a) for a in areas):
                raise ValueError("areas must be area-code prefixes (digits)")
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise unauthorized(f"invalid token: {exc}") from None
        principal = Principal(
            sub=str(claims["sub"]),
            name=claims.get("name"),
            roles=roles,
            areas=areas,
            unit_id=claims.get("unit_id"),
            scopes=frozenset(claims.get("scopes") or ()),
        )
        return principal, float(claims["exp"])


_AREA = re.compile(r"\d{1,20}")


def _strings(value: object, claim: str) -> list[str]:
    # A string where a list belongs would be read letter by letter: "530128" as six areas.
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"the {claim} claim must be a list of strings")
    return value


def unauthorized(detail: str) -> ProblemError:
    """A 401 with the bearer challenge."""
    return ProblemError(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


_bearer = HTTPBearer(auto_error=False, description="Pingan JWT (iss=aud=pingan)")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The verified caller; 401 when the token is missing or bad."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorized("a bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(credentials.credentials)
    request.state.principal_sub = principal.sub
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that admits only callers holding one of `roles` (403 otherwise)."""
    allowed = frozenset(roles)

    async def dependency(principal: PrincipalDep) -> Principal:
        if not principal.has_any(allowed):
            names = ", ".join(sorted(r.value for r in allowed))
            raise ProblemError(403, "forbidden", f"this action needs one of the roles: {names}")
        return principal

    dependency.allowed_roles = allowed  # type: ignore[attr-defined]  # read by docs/access.md's generator
    return dependency
