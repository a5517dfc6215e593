"""Mint tokens for ops, tests and the demo: `pingan-token --role admin --area 530128`."""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Sequence

import jwt

from pingan_shared.auth import AUDIENCE, ISSUER, Role
from pingan_shared.settings import DEV_JWT_SECRET


def mint_token(
    subject: str,
    roles: Sequence[str],
    areas: Sequence[str],
    name: str | None = None,
    unit_id: str | None = None,
    scopes: Sequence[str] | None = None,
    ttl_seconds: int = 86400,
    secret: str | None = None,
    private_key: str | None = None,
) -> str:
    """A token with the claims of ARCHITECTURE.md §4: RS256 with `private_key` (PEM), where the
    services verify with a public key, else HS256 with `secret` (or PINGAN_JWT_SECRET)."""
    for role in roles:
        Role(role)  # refuse unknown roles early: a typo would otherwise mint a useless token
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject,
        "roles": list(roles),
        "areas": list(areas),
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    if name:
        claims["name"] = name
    if unit_id:
        claims["unit_id"] = unit_id
    if scopes:
        claims["scopes"] = list(scopes)
    if private_key:
        return jwt.encode(claims, private_key, algorithm="RS256")
    key = secret or os.environ.get("PINGAN_JWT_SECRET") or DEV_JWT_SECRET
    return jwt.encode(claims, key, algorithm="HS256")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print one token."""
    parser = argparse.ArgumentParser(prog="pingan-token", description=__doc__)
    parser.add_argument("--sub", default="ops", help="subject (user or client id)")
    parser.add_argument("--name", help="display name")
    parser.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    parser.add_argument("--area", action="append", required=True, help="area-code prefix")
    parser.add_argument("--unit-id")
    parser.add_argument("--scope", action="append")
    parser.add_argument("--ttl", type=int, default=86400, help="lifetime in seconds")
    args = parser.parse_args(argv)
    token = mint_token(
        args.sub, args.role, args.area, args.name, args.unit_id, args.scope, args.ttl
    )
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
