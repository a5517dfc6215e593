"""Open311 API keys (接入密钥): issued once, stored as SHA-256, mapped to a `service` principal.

python -m incidents.open311.keys issue --client 城市通 --area 530128100
python -m incidents.open311.keys revoke --client 城市通
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import re
import secrets
import sys
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from incidents.config import get_settings
from incidents.open311.models import Open311ApiKey
from pingan_shared.auth import Principal, Role
from pingan_shared.db import Database

AREA_PATTERN = r"^\d{6,20}$"


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256 in hex (a key has 256 random bits, so no salt is
    needed to stop guessing from the hash)."""
    return hashlib.sha256(key.encode()).hexdigest()


async def issue_api_key(session: AsyncSession, client_name: str, areas: Sequence[str]) -> str:
    """Create a key for a client reporting in `areas` (area-code prefixes); returns the key,
    which is shown this once and never stored."""
    key = secrets.token_urlsafe(32)
    session.add(Open311ApiKey(key_hash=hash_key(key), client_name=client_name, areas=list(areas)))
    await session.flush()
    return key


async def revoke_api_key(session: AsyncSession, client_name: str) -> bool:
    """Deactivate a client's key; False when there is no such client."""
    result = await session.execute(
        update(Open311ApiKey)
        .where(col(Open311ApiKey.client_name) == client_name)
        .values(active=False)
        .returning(col(Open311ApiKey.id))
    )
    return result.first() is not None


async def find_active_key(session: AsyncSession, key: str) -> Open311ApiKey | None:
    """The active key record of a presented key."""
    query = select(Open311ApiKey).where(
        col(Open311ApiKey.key_hash) == hash_key(key), col(Open311ApiKey.active).is_(True)
    )
    return (await session.execute(query)).scalar_one_or_none()


def principal_of(key: Open311ApiKey) -> Principal:
    """The principal a key reports as: role `service`, the key's areas."""
    return Principal(
        sub=f"open311:{key.client_name}",
        name=key.client_name,
        roles=frozenset({Role.service}),
        areas=tuple(key.areas),
    )


async def _run(args: argparse.Namespace) -> str:
    database = Database(get_settings().database_url, pool_size=1)
    try:
        async with database.session() as session:
            if args.command == "issue":
                key = await issue_api_key(session, args.client, args.area)
                return f"api_key for {args.client}: {key}\n(shown once; only its hash is kept)\n"
            found = await revoke_api_key(session, args.client)
            return f"revoked {args.client}\n" if found else f"no client {args.client}\n"
    finally:
        await database.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Issue or revoke a client's key from the command line."""
    parser = argparse.ArgumentParser(prog="python -m incidents.open311.keys")
    sub = parser.add_subparsers(dest="command", required=True)
    issue = sub.add_parser("issue", help="issue a key for a client")
    issue.add_argument("--client", required=True, help="the client's name")
    issue.add_argument("--area", action="append", required=True, help="area-code prefix")
    revoke = sub.add_parser("revoke", help="deactivate a client's key")
    revoke.add_argument("--client", required=True)
    args = parser.parse_args(argv)
    for area in getattr(args, "area", None) or ():
        if not re.fullmatch(AREA_PATTERN, area):
            parser.error(f"--area {area!r} is not an area code")
    sys.stdout.write(asyncio.run(_run(args)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
